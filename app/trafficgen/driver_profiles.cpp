#include "driver_profiles.hpp"

#include <spdlog/spdlog.h>

#include "traffic/config_error.hpp"

namespace tg::app {

namespace {

std::string dir_of(const Options& o) { return o.drivers_config.empty() ? profiles::default_dir() : o.drivers_config; }

}  // namespace

std::optional<profiles::DriverProfile> named_profile(const Options& o) {
    if (o.driver_profile.empty()) return std::nullopt;
    try {
        return profiles::load_profile(dir_of(o), o.driver_profile);
    } catch (const profiles::ProfileError& e) {
        throw traffic::ConfigError(std::string("--driver-profile ") + o.driver_profile + ": " + e.what());
    }
}

std::optional<profiles::DriverProfile> port_profile(const Options& o, const std::string& pmd,
                                                    const std::optional<profiles::DriverProfile>& named) {
    std::optional<profiles::DriverProfile> p = named;
    if (!p) {
        // None installed, or none for this driver: the run goes on without.
        try {
            p = profiles::find_by_pmd(profiles::load_profiles(dir_of(o)), pmd);
        } catch (const profiles::ProfileError& e) {
            spdlog::debug("no driver profiles: {}", e.what());
        }
    }
    if (p) {
        spdlog::info("driver profile {} ({}){}", p->name, p->path, p->quirks.empty() ? "" : "; its quirks:");
        for (const auto& q : p->quirks) spdlog::info("  {}", q);
        if (p->pmd != pmd) spdlog::warn("driver profile {} is for {}, but the port is {}", p->name, p->pmd, pmd);
    }
    return p;
}

std::vector<std::string> profile_eal_args(const profiles::DriverProfile& p, const Options& o) {
    std::vector<std::string> out;
    for (std::string a : p.eal_args) {
        for (std::size_t at; (at = a.find("{iface}")) != std::string::npos;) a.replace(at, 7, o.iface);
        out.push_back(a);
    }
    return out;
}

bool profile_allows_offload(const std::optional<profiles::DriverProfile>& p, std::uint8_t ipproto, bool ipv6) {
    if (!p) return true;
    const profiles::Offloads& f = p->offloads;
    if (!ipv6 && !f.ipv4_checksum) return false;
    switch (ipproto) {
        case 6: return f.tcp_checksum;
        case 17: return f.udp_checksum;
        case 132: return f.sctp_crc32c;
        default: return false;
    }
}

nlohmann::json profile_json(const profiles::DriverProfile& p, bool named) {
    return {{"name", p.name},
            {"path", p.path},
            {"chosen", named ? "--driver-profile" : "by the port's driver"},
            {"bind", p.bind},
            {"offloads",
             {{"ipv4_checksum", p.offloads.ipv4_checksum},
              {"udp_checksum", p.offloads.udp_checksum},
              {"tcp_checksum", p.offloads.tcp_checksum},
              {"sctp_crc32c", p.offloads.sctp_crc32c}}},
            {"quirks", p.quirks}};
}

}  // namespace tg::app
