#include "libvirt_domain.hpp"

#include <tinyxml2.h>

namespace tg::deploy {

namespace {

class Xml {
public:
    Xml() : p_(nullptr, false) {}
    Xml& open(const char* element) {
        p_.OpenElement(element, false);
        return *this;
    }
    Xml& attr(const char* name, const std::string& value) {
        p_.PushAttribute(name, value.c_str());
        return *this;
    }
    Xml& text(const std::string& t) {
        p_.PushText(t.c_str());
        return *this;
    }
    Xml& close() {
        p_.CloseElement(false);
        return *this;
    }
    Xml& leaf(const char* element, const std::string& t) { return open(element).text(t).close(); }
    [[nodiscard]] std::string str() const { return p_.CStr(); }

private:
    tinyxml2::XMLPrinter p_;
};

// <address type='pci' domain='0x0000' bus='0x81' slot='0x00' function='0x0'/>
void pci_address(Xml& x, const std::string& pci, bool typed) {
    x.open("address");
    if (typed) x.attr("type", "pci");
    x.attr("domain", "0x" + pci.substr(0, 4))
        .attr("bus", "0x" + pci.substr(5, 2))
        .attr("slot", "0x" + pci.substr(8, 2))
        .attr("function", "0x" + pci.substr(11, 1))
        .close();
}

}  // namespace

std::string domain_xml(const Settings& s, unsigned pair, Role r) {
    const std::string name = vm_name(s, pair, r);
    Xml x;
    x.open("domain").attr("type", "kvm");
    x.leaf("name", name);
    x.open("memory").attr("unit", "MiB").text(std::to_string(s.memory_mib)).close();
    x.open("vcpu").attr("placement", "static").text(std::to_string(s.cpus)).close();
    x.open("cpu").attr("mode", "host-passthrough").close();
    x.open("os").open("type").attr("arch", "x86_64").attr("machine", "q35").text("hvm").close();
    x.open("boot").attr("dev", "hd").close().close();
    x.open("features").open("acpi").close().open("apic").close().close();
    x.open("devices");
    x.open("disk").attr("type", "file").attr("device", "disk");
    x.open("driver").attr("name", "qemu").attr("type", "qcow2").close();
    x.open("source").attr("file", s.libvirt_images + "/" + name + ".qcow2").close();
    x.open("target").attr("dev", "vda").attr("bus", "virtio").close();
    x.close();
    x.open("disk").attr("type", "file").attr("device", "cdrom");
    x.open("driver").attr("name", "qemu").attr("type", "raw").close();
    x.open("source").attr("file", s.libvirt_images + "/" + name + "-seed.iso").close();
    x.open("target").attr("dev", "sda").attr("bus", "sata").close();
    x.open("readonly").close();
    x.close();
    x.open("interface").attr("type", "network");
    x.open("source").attr("network", s.libvirt_network).close();
    x.open("model").attr("type", "virtio").close();
    x.close();
    if (!s.hostdevs.empty()) {
        const std::string& host = s.hostdevs[2 * (pair - 1) + (r == Role::sink ? 0 : 1)];
        x.open("hostdev").attr("mode", "subsystem").attr("type", "pci").attr("managed", "yes");
        x.open("source");
        pci_address(x, host, false);
        x.close();
        pci_address(x, s.guest_pci, true);
        x.close();
    } else {
        x.open("interface").attr("type", "network");
        x.open("mac").attr("address", data_mac(pair, r)).close();
        x.open("source").attr("network", s.vf_network.empty() ? "trafficgen-vfs" : s.vf_network).close();
        pci_address(x, s.guest_pci, true);
        x.close();
    }
    x.open("serial").attr("type", "pty").open("target").attr("port", "0").close().close();
    x.open("console").attr("type", "pty").open("target").attr("type", "serial").attr("port", "0").close().close();
    x.close();
    x.close();
    return x.str();
}

std::string vf_network_xml(const Settings& s, const std::string& pf) {
    Xml x;
    x.open("network");
    x.leaf("name", s.vf_network.empty() ? "trafficgen-vfs" : s.vf_network);
    x.open("forward").attr("mode", "hostdev").attr("managed", "yes");
    x.open("pf").attr("dev", pf).close();
    x.close();
    x.close();
    return x.str();
}

std::string meta_data(const Settings& s, unsigned pair, Role r) {
    const std::string name = vm_name(s, pair, r);
    return "---\ninstance-id: " + name + "\nlocal-hostname: " + name + "\n";
}

}  // namespace tg::deploy
