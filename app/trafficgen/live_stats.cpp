#include "live_stats.hpp"

#include <unistd.h>

#include <cstdio>
#include <utility>

namespace tg::app {

namespace {

using nlohmann::json;

std::uint64_t load(const std::atomic<std::uint64_t>& a) { return a.load(std::memory_order_relaxed); }

}  // namespace

void print_json_line(const char* event, json fields) {
    json line{{"event", event}};
    line.update(fields);
    std::printf("%s\n", line.dump().c_str());
    std::fflush(stdout);
}

LiveStats::LiveStats(const Options& o, const std::vector<std::unique_ptr<dataplane::TxEngine>>& tx,
                     const std::vector<std::unique_ptr<dataplane::RxEngine>>& rx)
    : o_(o), tx_(tx), rx_(rx), tty_(::isatty(2) != 0) {}

void LiveStats::print(double t, const json& interval) {
    if (o_.quiet) return;
    std::uint64_t txp = 0, txb = 0, rxp = 0, rxb = 0;
    for (const auto& e : tx_) {
        // The sessions' frames (handshakes, closed-loop data, requests) and their answers too.
        txp += load(e->counters().packets) + load(e->counters().control);
        txb += load(e->counters().bytes) + load(e->counters().control_bytes);
        rxp += load(e->counters().control_in);
        rxb += load(e->counters().control_in_bytes);
    }
    for (const auto& e : rx_) {
        rxp += load(e->counters().packets);
        rxb += load(e->counters().bytes);
    }
    const double dt = t - last_t_ > 0 ? t - last_t_ : 1;
    const double tx_pps = double(txp - last_tx_) / dt, rx_pps = double(rxp - last_rx_) / dt;
    const double tx_bps = double(txb - last_tx_bytes_) * 8 / dt, rx_bps = double(rxb - last_rx_bytes_) * 8 / dt;
    if (o_.json_lines) {
        // Every frame on the port (the sessions' own too) as totals and rates, and the
        // interval's test traffic per protocol as the report's "intervals" has it.
        json line{{"t", t}, {"tx_packets", txp}, {"tx_pps", tx_pps}, {"tx_l2_bps", tx_bps},
                  {"rx_packets", rxp}, {"rx_pps", rx_pps}, {"rx_l2_bps", rx_bps}, {"interval", interval}};
        if (link_ != nullptr) line["link_up"] = link_->up();
        print_json_line("interval", std::move(line));
    } else {
        const bool down = link_ != nullptr && !link_->up();
        std::fprintf(stderr, "%s%7.1fs  tx %10.3f Mpps %9.3f Gbit/s  rx %10.3f Mpps %9.3f Gbit/s%s%s", tty_ ? "\r" : "", t,
                     tx_pps / 1e6, tx_bps / 1e9, rx_pps / 1e6, rx_bps / 1e9, down ? "  LINK DOWN" : "",
                     tty_ ? "" : "\n");
        printed_ = true;
    }
    last_t_ = t;
    last_tx_ = txp;
    last_tx_bytes_ = txb;
    last_rx_ = rxp;
    last_rx_bytes_ = rxb;
}

void LiveStats::finish() {
    if (printed_ && tty_) std::fprintf(stderr, "\n");
}

}  // namespace tg::app
