#include "profiles/driver_profile.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace tg::profiles {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string text_of(const json& j, const char* key, const std::string& path, bool required) {
    if (!j.contains(key)) {
        if (required) throw ProfileError("driver profile " + path + " has no \"" + key + "\"");
        return "";
    }
    if (!j[key].is_string()) throw ProfileError("driver profile " + path + ": \"" + key + "\" is " + j[key].dump() + ": give a string");
    return j[key].get<std::string>();
}

std::vector<std::string> list_of(const json& j, const char* key, const std::string& path) {
    std::vector<std::string> out;
    if (!j.contains(key)) return out;
    if (!j[key].is_array()) throw ProfileError("driver profile " + path + ": \"" + key + "\" is " + j[key].dump() + ": give a list of strings");
    for (const auto& v : j[key]) {
        if (!v.is_string()) throw ProfileError("driver profile " + path + ": \"" + key + "\" holds " + v.dump() + ": give strings");
        out.push_back(v.get<std::string>());
    }
    return out;
}

}  // namespace

std::string default_dir() {
    if (const char* d = std::getenv("TG_DRIVERS_CONFIG"); d != nullptr && *d != '\0') return d;
    return TG_DRIVERS_CONFIG_DIR;
}

DriverProfile parse_profile(const std::string& text, const std::string& path) {
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw ProfileError("driver profile " + path + " is not a JSON object");
    if (j.value("schema", "") != "trafficgen.driver_profile") {
        throw ProfileError("driver profile " + path + " is not a trafficgen driver profile (\"schema\" is not \"trafficgen.driver_profile\")");
    }
    DriverProfile p;
    p.path = path;
    p.name = text_of(j, "name", path, true);
    p.description = text_of(j, "description", path, false);
    p.pmd = text_of(j, "pmd", path, true);
    p.bind = text_of(j, "bind", path, true);
    p.kernel_drivers = list_of(j, "kernel_drivers", path);
    p.eal_args = list_of(j, "eal_args", path);
    p.quirks = list_of(j, "quirks", path);
    if (!j.contains("offloads") || !j["offloads"].is_object()) throw ProfileError("driver profile " + path + " has no \"offloads\" object");
    const json& o = j["offloads"];
    for (const char* k : {"ipv4_checksum", "udp_checksum", "tcp_checksum", "sctp_crc32c"}) {
        if (!o.contains(k) || !o[k].is_boolean()) {
            throw ProfileError("driver profile " + path + ": \"offloads\" needs \"" + k + "\": true or false");
        }
    }
    p.offloads = {o["ipv4_checksum"].get<bool>(), o["udp_checksum"].get<bool>(), o["tcp_checksum"].get<bool>(),
                  o["sctp_crc32c"].get<bool>()};
    const std::string stem = fs::path(path).stem().string();
    if (p.name != stem) throw ProfileError("driver profile " + path + " is named '" + p.name + "': give it the file's name, '" + stem + "'");
    return p;
}

std::vector<DriverProfile> load_profiles(const std::string& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        throw ProfileError("there are no driver profiles in " + dir + " (not a directory): give --drivers-config DIR or set TG_DRIVERS_CONFIG");
    }
    std::vector<DriverProfile> all;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().extension() != ".json") continue;
        std::ifstream in(e.path());
        std::stringstream s;
        s << in.rdbuf();
        all.push_back(parse_profile(s.str(), e.path().string()));
    }
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return all;
}

DriverProfile load_profile(const std::string& dir, const std::string& name) {
    const auto all = load_profiles(dir);
    for (const auto& p : all) {
        if (p.name == name) return p;
    }
    std::string names;
    for (const auto& p : all) names += (names.empty() ? "" : ", ") + p.name;
    throw ProfileError("there is no driver profile '" + name + "' in " + dir + ": give one of " + names);
}

std::optional<DriverProfile> find_by_pmd(const std::vector<DriverProfile>& all, const std::string& pmd) {
    for (const auto& p : all) {
        if (p.pmd == pmd) return p;
    }
    return std::nullopt;
}

std::optional<DriverProfile> find_by_kernel_driver(const std::vector<DriverProfile>& all, const std::string& driver) {
    for (const auto& p : all) {
        if (std::find(p.kernel_drivers.begin(), p.kernel_drivers.end(), driver) != p.kernel_drivers.end()) return p;
    }
    return std::nullopt;
}

}  // namespace tg::profiles
