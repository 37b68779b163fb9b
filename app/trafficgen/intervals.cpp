#include "intervals.hpp"

namespace tg::app {

namespace {

using nlohmann::json;
using traffic::Protocol;

std::uint64_t load(const std::atomic<std::uint64_t>& a) { return a.load(std::memory_order_relaxed); }

// The difference of two running totals, which only the loss can make negative: late
// arrivals fill gaps found in an earlier interval.
std::int64_t delta(std::uint64_t before, std::uint64_t now) { return static_cast<std::int64_t>(now - before); }

// "sent", "sent_pps" and "sent_l2_bps" (or received's) of one interval.
template <typename PerSecond>
json figures(const std::string& what, std::uint64_t packets, std::uint64_t bytes, const PerSecond& per_s) {
    return {{what, packets}, {what + "_pps", per_s(double(packets))}, {what + "_l2_bps", per_s(double(bytes) * 8)}};
}

}  // namespace

Intervals::Intervals(const std::vector<std::unique_ptr<dataplane::TxEngine>>& tx,
                     const std::vector<std::unique_ptr<dataplane::RxEngine>>& rx,
                     std::optional<Protocol> sessions_protocol)
    : tx_(tx), sessions_protocol_(sessions_protocol) {
    for (const auto& e : rx) received_by_.push_back(&e->core());
    if (rx.empty()) {
        for (const auto& e : tx) {
            if (e->returns() != nullptr) received_by_.push_back(e->returns());
        }
    }
}

Sample Intervals::read() const {
    Sample s{};
    for (const auto& e : tx_) {
        const auto& c = e->counters();
        for (std::size_t i = 0; i < traffic::protocol_count; ++i) {
            s[i].sent += load(c.per_protocol[i]);
            s[i].sent_bytes += load(c.per_protocol_bytes[i]);
        }
    }
    if (sessions_protocol_ && !tx_.empty()) {
        // Every frame of these sessions went out through engine 0's control path.
        const auto& c = tx_.front()->counters();
        auto& p = s[static_cast<std::size_t>(*sessions_protocol_)];
        p.sent += load(c.control);
        p.sent_bytes += load(c.control_bytes);
    }
    for (const sink::SinkCore* core : received_by_) {
        sink::LiveCounters& live = core->live();
        for (Protocol p : traffic::all_protocols) {
            const auto i = static_cast<std::size_t>(p);
            const sink::LiveProtocolCounts c = live.read(p);
            s[i].received += c.packets;
            s[i].received_bytes += c.bytes;
            s[i].lost += c.lost;
            s[i].jitter_peak_ns = std::max(s[i].jitter_peak_ns, live.take_jitter_peak(p));
        }
    }
    return s;
}

json Intervals::interval(const Sample& before, const Sample& now, double start, double end, bool sends, bool receives) {
    const double seconds = end - start;
    const auto per_s = [seconds](double v) { return seconds > 0 ? v / seconds : 0.0; };
    json protocols = json::object();
    std::uint64_t sent = 0, sent_bytes = 0, received = 0, received_bytes = 0;
    std::int64_t lost = 0;
    for (Protocol p : traffic::all_protocols) {
        const auto i = static_cast<std::size_t>(p);
        const ProtocolSample& a = before[i];
        const ProtocolSample& b = now[i];
        if (b.sent == 0 && b.received == 0 && b.lost == 0) continue;
        const std::uint64_t s = b.sent - a.sent, sb = b.sent_bytes - a.sent_bytes;
        const std::uint64_t r = b.received - a.received, rb = b.received_bytes - a.received_bytes;
        const std::int64_t l = delta(a.lost, b.lost);
        json& j = protocols[traffic::to_string(p)];
        j = json::object();
        if (sends) j.update(figures("sent", s, sb, per_s));
        if (receives) {
            j.update(figures("received", r, rb, per_s));
            j["lost"] = l;
            j["jitter_ns_max"] = b.jitter_peak_ns;
        }
        sent += s;
        sent_bytes += sb;
        received += r;
        received_bytes += rb;
        lost += l;
    }
    json sum = json::object();
    if (sends) sum.update(figures("sent", sent, sent_bytes, per_s));
    if (receives) {
        sum.update(figures("received", received, received_bytes, per_s));
        sum["lost"] = lost;
    }
    return {{"start", start}, {"end", end}, {"seconds", seconds}, {"protocols", protocols}, {"sum", sum}};
}

const json& Intervals::sample(double t) {
    const Sample now = read();
    list_.push_back(interval(last_, now, last_t_, t, !tx_.empty(), !received_by_.empty()));
    last_ = now;
    last_t_ = t;
    return list_.back();
}

void Intervals::finish(double t) {
    const Sample now = read();
    bool changed = list_.empty();
    for (std::size_t i = 0; i < now.size() && !changed; ++i) {
        changed = now[i].sent != last_[i].sent || now[i].received != last_[i].received || now[i].lost != last_[i].lost;
    }
    if (!changed || t <= last_t_) return;
    list_.push_back(interval(last_, now, last_t_, t, !tx_.empty(), !received_by_.empty()));
    last_ = now;
    last_t_ = t;
}

}  // namespace tg::app
