// dumpcap on one interface of a namespace, for the length of a scope: what was on the
// wire, for tshark to judge.
#pragma once

#include <string>

#include "process.hpp"

namespace tg::e2e {

class Capture {
public:
    // Starts dumpcap and waits until it captures (30 s at most; throws otherwise).
    Capture(const std::string& ns, const std::string& ifname, const TempDir& dir);
    // Stops the capture; the file is complete after this. Throws if dumpcap failed.
    const std::string& stop();

private:
    std::string path_;
    Child child_;
};

}  // namespace tg::e2e
