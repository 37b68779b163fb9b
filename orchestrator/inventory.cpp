#include "inventory.hpp"

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "orch_error.hpp"

namespace tg::orch {

using nlohmann::json;

const char* to_string(NicSpec::Kind k) noexcept {
    switch (k) {
        case NicSpec::Kind::pci: return "pci";
        case NicSpec::Kind::iface: return "iface";
        case NicSpec::Kind::sriov_env: return "sriov_env";
    }
    return "?";
}

namespace {

// Where a value sits, for messages: pairs[0].generator.port
class Checker {
public:
    explicit Checker(std::string path) : path_(std::move(path)) {}

    [[noreturn]] void fail(const std::string& where, const std::string& what) const {
        throw OrchError(exit_code::bad_input, "inventory " + path_ + ": " + where + " " + what);
    }

    void only_keys(const json& o, const std::string& where, const std::set<std::string>& keys) const {
        if (!o.is_object()) fail(where, "is " + o.dump() + ": give an object");
        for (const auto& [k, v] : o.items()) {
            if (keys.count(k) != 0) continue;
            std::string list;
            for (const auto& a : keys) list += (list.empty() ? "" : ", ") + a;
            fail(where, "has an unknown key '" + k + "': accepted keys are " + list);
        }
    }

    [[nodiscard]] std::string text(const json& v, const std::string& where) const {
        if (!v.is_string()) fail(where, "is " + v.dump() + ": give a string");
        const auto s = v.get<std::string>();
        if (s.empty()) fail(where, "is empty: give a value");
        if (s.find('\0') != std::string::npos) fail(where, "holds a NUL byte, which no command line can carry");
        return s;
    }

    [[nodiscard]] std::uint64_t number(const json& v, const std::string& where, std::uint64_t lo, std::uint64_t hi) const {
        if (!v.is_number_unsigned() || v.get<std::uint64_t>() < lo || v.get<std::uint64_t>() > hi) {
            fail(where, "is " + v.dump() + ": give a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
        }
        return v.get<std::uint64_t>();
    }

    [[nodiscard]] double seconds(const json& v, const std::string& where) const {
        if (!v.is_number() || v.get<double>() <= 0 || v.get<double>() > 86400) {
            fail(where, "is " + v.dump() + ": give seconds, more than 0 and at most 86400");
        }
        return v.get<double>();
    }

    [[nodiscard]] std::vector<std::string> args(const json& v, const std::string& where) const {
        if (!v.is_array()) fail(where, "is " + v.dump() + ": give a list of strings, one per argument");
        std::vector<std::string> out;
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string w = where + "[" + std::to_string(i) + "]";
            if (!v[i].is_string()) fail(w, "is " + v[i].dump() + ": give a string");
            const auto s = v[i].get<std::string>();
            if (s.find('\0') != std::string::npos) fail(w, "holds a NUL byte, which no command line can carry");
            out.push_back(s);
        }
        return out;
    }

private:
    std::string path_;
};

const std::set<std::string> host_keys = {"address", "port", "user", "key", "known_hosts", "strict_host_keys",
                                         "connect_timeout", "nic", "data_ip", "lcores", "hugepages", "trafficgen",
                                         "package", "args"};

NicSpec nic_of(const Checker& c, const json& j, const std::string& where) {
    c.only_keys(j, where, {"pci", "iface", "sriov_env", "driver"});
    NicSpec n;
    int given = 0;
    if (j.contains("pci")) {
        n.kind = NicSpec::Kind::pci;
        n.value = c.text(j["pci"], where + ".pci");
        // Domain:bus:device.function, as sysfs names it.
        if (!std::regex_match(n.value, std::regex("[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]"))) {
            c.fail(where + ".pci", "is '" + n.value + "': give a PCI address such as 0000:03:00.0 (lower-case hex)");
        }
        ++given;
    }
    if (j.contains("iface")) {
        n.kind = NicSpec::Kind::iface;
        n.value = c.text(j["iface"], where + ".iface");
        if (!std::regex_match(n.value, std::regex("[A-Za-z0-9_.:-]{1,15}")) || n.value == "." || n.value == "..") {
            c.fail(where + ".iface", "is '" + n.value + "': give a kernel interface name (1 to 15 letters, digits, _ . : -)");
        }
        ++given;
    }
    if (j.contains("sriov_env")) {
        n.kind = NicSpec::Kind::sriov_env;
        n.value = c.text(j["sriov_env"], where + ".sriov_env");
        if (!std::regex_match(n.value, std::regex("[A-Za-z_][A-Za-z0-9_]*"))) {
            c.fail(where + ".sriov_env", "is '" + n.value +
                                             "': give the name of the environment variable the SR-IOV device "
                                             "plugin sets, such as PCIDEVICE_INTEL_COM_SRIOV_NETDEVICE");
        }
        ++given;
    }
    if (given != 1) c.fail(where, "must give exactly one of pci, iface or sriov_env");
    if (j.contains("driver")) {
        n.driver = c.text(j["driver"], where + ".driver");
        n.driver_given = true;
        if (!std::regex_match(n.driver, std::regex("[A-Za-z0-9_-]{1,32}"))) {
            c.fail(where + ".driver", "is '" + n.driver + "': give a kernel driver name such as vfio-pci, or "
                                                          "\"kernel\" to leave the NIC with its own driver (af_xdp, af_packet)");
        }
    }
    return n;
}

void apply(const Checker& c, const json& j, const std::string& where, HostSpec& h) {
    c.only_keys(j, where, host_keys);
    if (j.contains("address")) h.address = c.text(j["address"], where + ".address");
    if (j.contains("port")) h.port = static_cast<std::uint16_t>(c.number(j["port"], where + ".port", 1, 65535));
    if (j.contains("user")) {
        h.user = c.text(j["user"], where + ".user");
        if (!std::regex_match(h.user, std::regex("[A-Za-z_][A-Za-z0-9_.-]{0,31}"))) {
            c.fail(where + ".user", "is '" + h.user + "': give a login name (letters, digits, _ . -)");
        }
    }
    if (j.contains("key")) h.key = c.text(j["key"], where + ".key");
    if (j.contains("known_hosts")) h.known_hosts = c.text(j["known_hosts"], where + ".known_hosts");
    if (j.contains("strict_host_keys")) {
        if (!j["strict_host_keys"].is_boolean()) {
            c.fail(where + ".strict_host_keys", "is " + j["strict_host_keys"].dump() + ": give true or false");
        }
        h.strict_host_keys = j["strict_host_keys"].get<bool>();
    }
    if (j.contains("connect_timeout")) h.connect_timeout_s = c.seconds(j["connect_timeout"], where + ".connect_timeout");
    if (j.contains("nic")) h.nic = nic_of(c, j["nic"], where + ".nic");
    if (j.contains("data_ip")) h.data_ip = c.text(j["data_ip"], where + ".data_ip");
    if (j.contains("lcores")) h.lcores = c.text(j["lcores"], where + ".lcores");
    if (j.contains("hugepages")) h.hugepages = static_cast<std::uint32_t>(c.number(j["hugepages"], where + ".hugepages", 0, 1u << 20));
    if (j.contains("trafficgen")) h.trafficgen = c.text(j["trafficgen"], where + ".trafficgen");
    if (j.contains("package")) {
        h.package = c.text(j["package"], where + ".package");
        const bool deb = h.package.size() > 4 && h.package.compare(h.package.size() - 4, 4, ".deb") == 0;
        const bool rpm = h.package.size() > 4 && h.package.compare(h.package.size() - 4, 4, ".rpm") == 0;
        if (!deb && !rpm) c.fail(where + ".package", "is '" + h.package + "': give a trafficgen .deb (apt) or .rpm (dnf)");
    }
    if (j.contains("args")) h.args = c.args(j["args"], where + ".args");
}

void require(const Checker& c, const HostSpec& h, const std::string& where) {
    if (h.address.empty()) c.fail(where, "has no \"address\": give the host name or IP address SSH reaches it at");
    if (h.key.empty()) c.fail(where, "has no \"key\" (here or in \"defaults\"): give the private key file to log in with");
    if (h.known_hosts.empty()) {
        c.fail(where, "has no \"known_hosts\" (here or in \"defaults\"): give the file that holds the host's key");
    }
}

}  // namespace

Inventory parse_inventory(const std::string& text, const std::string& path) {
    const Checker c(path);
    const json root = json::parse(text, nullptr, false);
    if (root.is_discarded()) {
        throw OrchError(exit_code::bad_input, "inventory " + path + " is not JSON: give a JSON object with \"pairs\"");
    }
    c.only_keys(root, "the top level", {"defaults", "pairs", "run", "search"});
    HostSpec defaults;
    if (root.contains("defaults")) apply(c, root["defaults"], "defaults", defaults);
    Inventory inv;
    inv.path = path;
    if (!root.contains("pairs") || !root["pairs"].is_array() || root["pairs"].empty()) {
        c.fail("\"pairs\"", "is missing or empty: give a list of pairs, each with a \"generator\" and a \"sink\"");
    }
    std::set<std::string> names;
    for (std::size_t i = 0; i < root["pairs"].size(); ++i) {
        const json& p = root["pairs"][i];
        const std::string where = "pairs[" + std::to_string(i) + "]";
        c.only_keys(p, where, {"name", "generator", "sink"});
        PairSpec pair;
        pair.name = p.contains("name") ? c.text(p["name"], where + ".name") : "pair" + std::to_string(i + 1);
        if (!std::regex_match(pair.name, std::regex("[A-Za-z0-9_.-]{1,64}"))) {
            c.fail(where + ".name", "is '" + pair.name + "': give 1 to 64 letters, digits, _ . -");
        }
        if (!names.insert(pair.name).second) c.fail(where + ".name", "'" + pair.name + "' names two pairs: give each its own");
        for (const char* role : {"generator", "sink"}) {
            if (!p.contains(role)) c.fail(where, std::string("has no \"") + role + "\"");
            HostSpec h = defaults;
            h.label = pair.name + " " + role;
            apply(c, p[role], where + "." + role, h);
            require(c, h, where + "." + role);
            (std::string(role) == "generator" ? pair.generator : pair.sink) = h;
        }
        inv.pairs.push_back(pair);
    }
    if (root.contains("run")) {
        c.only_keys(root["run"], "run", {"args", "duration"});
        if (root["run"].contains("args")) inv.run.args = c.args(root["run"]["args"], "run.args");
        if (root["run"].contains("duration")) inv.run.duration_s = c.seconds(root["run"]["duration"], "run.duration");
    }
    if (root.contains("search")) {
        c.only_keys(root["search"], "search", {"args", "limit"});
        if (root["search"].contains("args")) inv.search.args = c.args(root["search"]["args"], "search.args");
        if (root["search"].contains("limit")) inv.search.limit_s = c.seconds(root["search"]["limit"], "search.limit");
    }
    return inv;
}

Inventory load_inventory(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw OrchError(exit_code::bad_input, "cannot read the inventory " + path + ": give a readable JSON file");
    std::ostringstream text;
    text << in.rdbuf();
    return parse_inventory(text.str(), path);
}

}  // namespace tg::orch
