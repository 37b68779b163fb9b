#include "capture.hpp"

#include <signal.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "lab.hpp"

namespace tg::e2e {

Capture::Capture(const std::string& ns, const std::string& ifname, const TempDir& dir)
    : path_(dir / (ifname + ".pcapng")),
      child_(in_ns(ns, {"dumpcap", "-i", ifname, "-B", "64", "-w", path_}), dir / ("dumpcap-" + ifname)) {
    if (!child_.wait_for_output("Capturing on", 30)) throw std::runtime_error("dumpcap did not start: " + child_.err());
}

const std::string& Capture::stop() {
    // What was sent last is still on its way through the kernel.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const Exit e = child_.stop(SIGINT, 30);
    if (!e.ok()) throw std::runtime_error("dumpcap " + e.describe() + ": " + child_.err());
    return path_;
}

}  // namespace tg::e2e
