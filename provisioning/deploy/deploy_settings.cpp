#include "deploy_settings.hpp"

#include <cctype>
#include <cstdio>
#include <regex>

#include "orch_error.hpp"

namespace tg::deploy {

using orch::exit_code::bad_input;
using orch::OrchError;

const char* to_string(Role r) noexcept { return r == Role::sink ? "sink" : "generator"; }

namespace {

const std::regex pci_re("^[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]$");
const std::regex env_re("^[A-Za-z_][A-Za-z0-9_]*$");
const std::regex iface_re("^[A-Za-z0-9_.:@-]{1,15}$");
// DNS-1123 label, as Kubernetes names and libvirt domain names here.
const std::regex name_re("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

}  // namespace

NicSpec NicSpec::parse(const std::string& text, const std::string& what) {
    const auto colon = text.find(':');
    NicSpec n{colon == std::string::npos ? "" : text.substr(0, colon),
              colon == std::string::npos ? "" : text.substr(colon + 1)};
    const bool ok = (n.kind == "pci" && std::regex_match(n.value, pci_re)) ||
                    (n.kind == "iface" && std::regex_match(n.value, iface_re)) ||
                    (n.kind == "sriov_env" && std::regex_match(n.value, env_re));
    if (!ok) {
        throw OrchError(bad_input, what + " '" + text +
                                       "' is not a NIC: give pci:0000:03:00.0, iface:ens4 or sriov_env:PCIDEVICE_VARIABLE");
    }
    return n;
}

std::string device_plugin_variable(const std::string& resource) {
    std::string v = "PCIDEVICE_";
    for (char c : resource) v += std::isalnum(static_cast<unsigned char>(c)) ? char(std::toupper(static_cast<unsigned char>(c))) : '_';
    return v;
}

std::string pair_label(unsigned pair) {
    char b[8];
    std::snprintf(b, sizeof b, "%02u", pair);
    return b;
}

std::string vm_name(const Settings& s, unsigned pair, Role r) { return s.name + "-" + pair_label(pair) + "-" + to_string(r); }

// Locally administered, "tg" in the second and third bytes, the pair in the fifth.
std::string data_mac(unsigned pair, Role r) {
    char b[24];
    std::snprintf(b, sizeof b, "02:74:67:00:%02x:%02x", pair, r == Role::generator ? 1 : 2);
    return b;
}

// RFC 2544's benchmarking range: generators in 198.18.0.0/16, sinks in 198.19.0.0/16.
std::string data_ip(unsigned pair, Role r) {
    return std::string(r == Role::generator ? "198.18." : "198.19.") + std::to_string(pair) + ".1";
}

void check(const Settings& s) {
    if (s.pairs < 1 || s.pairs > 250) {
        throw OrchError(bad_input, "--pairs " + std::to_string(s.pairs) + " is out of range: give 1..250 pairs");
    }
    if (!std::regex_match(s.name, name_re) || s.name.size() > 40) {
        throw OrchError(bad_input, "--name '" + s.name +
                                       "' is not a name: lower-case letters, digits and '-', at most 40, "
                                       "starting and ending with a letter or digit");
    }
    if (!s.namespace_name.empty() && (!std::regex_match(s.namespace_name, name_re) || s.namespace_name.size() > 63)) {
        throw OrchError(bad_input, "--namespace '" + s.namespace_name + "' is not a Kubernetes namespace name");
    }
    if (!std::regex_match(s.sriov_network, name_re)) {
        throw OrchError(bad_input, "--sriov-network '" + s.sriov_network + "' is not a Kubernetes object name");
    }
    if (!std::regex_match(s.guest_pci, pci_re)) {
        throw OrchError(bad_input, "--guest-pci '" + s.guest_pci + "' is not a PCI address such as 0000:00:10.0");
    }
    if (s.flows < 1 || s.flows > 64) {
        throw OrchError(bad_input, "--flows " + std::to_string(s.flows) + " is out of range: give 1..64");
    }
    if (s.data_port < 1 || s.data_port + s.flows - 1 > 65535) {
        throw OrchError(bad_input, "--data-port " + std::to_string(s.data_port) + " with " + std::to_string(s.flows) +
                                       " flows runs past port 65535");
    }
    if (s.hugepages > 1048576) {
        throw OrchError(bad_input, "--hugepages " + std::to_string(s.hugepages) + " is more 2 MB pages than a guest has");
    }
    if (s.vlan > 4094) throw OrchError(bad_input, "--vlan " + std::to_string(s.vlan) + " is out of range: 0..4094");
    if (!s.hostdevs.empty()) {
        if (!s.vf_network.empty()) throw OrchError(bad_input, "--hostdev and --vf-network both give the data NIC: give one");
        if (s.hostdevs.size() != 2 * s.pairs) {
            throw OrchError(bad_input, "--hostdev gives " + std::to_string(s.hostdevs.size()) + " devices for " +
                                           std::to_string(s.pairs) + " pairs: give two per pair (sink, generator)");
        }
        for (const auto& h : s.hostdevs) {
            if (!std::regex_match(h, pci_re)) {
                throw OrchError(bad_input, "--hostdev '" + h + "' is not a host PCI address such as 0000:81:00.0");
            }
        }
    }
    if (s.bind_driver != "vfio-pci" && s.bind_driver != "uio_pci_generic" && s.bind_driver != "igb_uio" &&
        s.bind_driver != "none") {
        throw OrchError(bad_input, "--bind-driver '" + s.bind_driver +
                                       "' is not one: give vfio-pci, uio_pci_generic, igb_uio or none (mlx5 stays on its own)");
    }
    if (s.package.empty() || s.package.find_first_of(" \t\n'\"") != std::string::npos) {
        throw OrchError(bad_input, "--package '" + s.package + "' is not a package name or URL");
    }
    if (s.apt_source.find('\n') != std::string::npos) {
        throw OrchError(bad_input, "--apt-source must be one sources.list line");
    }
}

}  // namespace tg::deploy
