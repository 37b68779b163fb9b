// The port's link over a run: waited for at start, watched while the run goes (a link
// that goes down is noticed within a tenth of a second and warned about), and reported
// with when and for how long it was down.
#pragma once

#include <atomic>
#include <string>

#include <nlohmann/json.hpp>

#include "dataplane/eal.hpp"
#include "dataplane/port.hpp"
#include "stats/link_watch.hpp"

namespace tg::app {

// Waits up to `timeout_s` for the link to come up; DataplaneError (exit 3) naming the
// port when it does not, or when a signal comes first. `waited_s` says how long it took.
[[nodiscard]] dataplane::LinkStatus wait_for_link(const dataplane::Port& port, double timeout_s,
                                                  const std::atomic<int>& stop, double& waited_s);

// Reads the link and records a change in `watch` (run time `t_s`), with a warning when it
// went down and a line when it came back.
void watch_link(const dataplane::Port& port, stats::LinkWatch& watch, double t_s);

// "link up, 10000 Mbit/s full duplex" or "link down".
[[nodiscard]] std::string describe(const dataplane::LinkStatus& l);
// "no hugepages (256 MB), IOVA as virtual addresses" and the like.
[[nodiscard]] std::string describe(const dataplane::MemoryMode& m, unsigned memory_mb);

// The report's port.link block: the link at start, how long it took to come up, and each
// time it went down during the run (`elapsed_s`: the run's length).
[[nodiscard]] nlohmann::json link_json(const dataplane::LinkStatus& at_start, double waited_s,
                                       const stats::LinkWatch& watch, double elapsed_s);
[[nodiscard]] nlohmann::json memory_json(const dataplane::MemoryMode& m, unsigned memory_mb);

}  // namespace tg::app
