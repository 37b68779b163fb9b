// A built-in lab (scripts/lab) for the length of one test: brought up in the constructor,
// taken down in the destructor, and taken down by the interrupt handler too.
#pragma once

#include <map>
#include <string>

namespace tg::e2e {

struct LabShape {
    bool router = false;  // a router namespace between generator and sink
    bool service = false; // the router as a Service-like stateful path: conntrack and DNAT (implies router)
    bool bridge = false;  // a kernel bridge in the sink namespace, in front of the sink
    bool ssh = false;     // each host reachable over SSH from this one (its own sshd), as a VM would be
};

class Lab {
public:
    explicit Lab(LabShape shape);
    ~Lab();
    Lab(const Lab&) = delete;
    Lab& operator=(const Lab&) = delete;

    // A value of the lab's description, such as "TG_SINK_NS"; throws for an unknown key.
    [[nodiscard]] const std::string& operator[](const std::string& key) const;
    [[nodiscard]] const std::string& id() const { return (*this)["TG_LAB_ID"]; }

private:
    std::map<std::string, std::string> vars_;
};

enum class LabSide { generator, sink };

// The kernel of one side takes part: it owns that side's IPv4 address on its interface,
// and learns the other side's MAC by ARP, which trafficgen answers there. Throws with
// ip's words if ip fails.
void kernel_owns(const Lab& lab, LabSide side);
// The kernel on that side sends whole, checksummed frames of at most one MTU (no
// checksum offload, TSO or GSO): a DPDK port on veth sees frames as they are on the
// wire, with no offload to finish them.
void kernel_sends_plain_frames(const Lab& lab, LabSide side);

// The text in lower case: MACs as tshark and `ip neigh` print them.
[[nodiscard]] std::string lower(std::string s);

// Paths the suite was given by the build (environment), with a clear failure if missing.
[[nodiscard]] std::string tool_path(const char* env_name);

}  // namespace tg::e2e
