#include "summary.hpp"

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <utility>

namespace tg::app {

namespace {

using json = nlohmann::json;

std::uint64_t u64(const json& j, const char* key) {
    return j.contains(key) && j[key].is_number_unsigned() ? j[key].get<std::uint64_t>() : 0;
}

double num(const json& j, const char* key) { return j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0; }

unsigned long long ull(std::uint64_t v) { return static_cast<unsigned long long>(v); }

// "1.23 G", "456.7 M": bit and packet rates as a network engineer reads them.
std::string si(double v) {
    const char* units[] = {"", "k", "M", "G", "T"};
    int u = 0;
    while (v >= 1000 && u < 4) {
        v /= 1000;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f %s", v, units[u]);
    return buf;
}

// The sink's SCTP associations: how the handshakes went, how they ended, data per stream.
void print_sctp_associations(const json& a) {
    std::printf("\nsctp associations: %llu (INIT %llu, cookies accepted %llu, forged %llu, stale %llu), "
                "established %llu, shut down %llu",
                ull(u64(a, "associations")), ull(u64(a, "inits")), ull(u64(a, "cookies_accepted")),
                ull(u64(a, "cookies_forged")), ull(u64(a, "cookies_stale")), ull(u64(a, "established")),
                ull(u64(a, "shut_down")));
    if (a.contains("failed")) {
        for (const auto& [reason, n] : a["failed"].items()) std::printf(", %s %llu", reason.c_str(), ull(n.get<std::uint64_t>()));
    }
    std::printf("\n");
    if (!a.contains("streams") || a["streams"].empty()) return;
    std::printf("%-11s %12s %14s\n", "sctp stream", "DATA chunks", "bytes");
    for (const auto& st : a["streams"]) {
        std::printf("%-11llu %12llu %14llu\n", ull(u64(st, "stream")), ull(u64(st, "chunks")), ull(u64(st, "bytes")));
    }
}

// Whether the sessions outlived the run, and the longest one's data went unacknowledged.
void print_survival(const char* what, const json& a) {
    if (!a.contains("survival")) return;
    const json& s = a["survival"];
    std::printf("%s: %llu survived, %llu ended by the peer or the path after coming up", what, ull(u64(s, "survived")),
                ull(u64(s, "ended_by_peer_or_path")));
    if (u64(s, "longest_data_stop_ms") > 0) {
        std::printf("; data stopped at most %llu ms (flow %llu, %.3f s into the data)", ull(u64(s, "longest_data_stop_ms")),
                    ull(u64(s, "longest_data_stop_flow")), num(s, "longest_data_stop_at_s"));
    }
    std::printf("\n");
}

// The generator's associations: set-up, data acknowledged, how they ended, and the one
// sentence when the path does not carry SCTP associations.
void print_client_associations(const json& a) {
    const json& ms = a.contains("setup_ms") ? a["setup_ms"] : json::object();
    std::printf("\nsctp associations (generator): %llu of %llu established, set-up ms min %llu median %llu p99 %llu "
                "max %llu, %.1f/s over %.2f s; DATA acknowledged %llu; up at the end %llu, shut down %llu",
                ull(u64(a, "established")), ull(u64(a, "requested")), ull(u64(ms, "min")), ull(u64(ms, "median")),
                ull(u64(ms, "p99")), ull(u64(ms, "max")), num(a, "setup_rate_per_s"), num(a, "setup_phase_s"),
                ull(u64(a, "data_acked")), ull(u64(a, "up_at_end")), ull(u64(a, "shut_down")));
    if (a.contains("failed")) {
        for (const auto& [reason, n] : a["failed"].items()) std::printf(", %s %llu", reason.c_str(), ull(n.get<std::uint64_t>()));
    }
    std::printf("\n");
    if (a.contains("closed_loop")) {
        const json& c = a["closed_loop"];
        std::printf("closed loop: DATA %llu sent, %llu acknowledged (%llu bytes) in %.2f s, goodput %sbit/s; "
                    "resent %llu (fast retransmits %llu, T3 timeouts %llu); cwnd %llu-%llu bytes, srtt max %llu ms\n",
                    ull(u64(c, "data_chunks_sent")), ull(u64(c, "data_chunks_acked")), ull(u64(c, "data_bytes_acked")),
                    num(c, "data_seconds"), si(num(c, "goodput_bps")).c_str(), ull(u64(c, "retransmitted_chunks")),
                    ull(u64(c, "fast_retransmits")), ull(u64(c, "t3_expiries")),
                    ull(c.contains("cwnd_bytes") ? u64(c["cwnd_bytes"], "min") : 0),
                    ull(c.contains("cwnd_bytes") ? u64(c["cwnd_bytes"], "max") : 0), ull(u64(c, "srtt_ms_max")));
    }
    if (u64(a, "established") > 0) print_survival("sctp associations", a);
    const std::string verdict = a.value("verdict", "");
    if (!verdict.empty()) std::printf("sctp: %s\n", verdict.c_str());
}

// TCP connections, either side: how the handshakes went, how they ended, the data, and
// the one sentence when the path does not carry TCP connections.
void print_tcp_connections(const json& a, bool generator) {
    if (generator && a.contains("connect_per_request")) {
        // TCP_CRR: the handshakes in microseconds, there are so many.
        const json& c = a["connect_per_request"];
        const json& l = c.contains("connect_latency") ? c["connect_latency"] : json::object();
        std::printf("\ntcp connections (generator, one per transaction, %llu at once): %llu opened, %llu up, %.1f/s, "
                    "connect us p50 %.1f p99 %.1f max %.1f; closed clean %llu",
                    ull(u64(a, "requested")), ull(u64(c, "connections_opened")), ull(u64(a, "syn_acks")),
                    num(a, "setup_rate_per_s"), double(u64(l, "p50_ns")) / 1000, double(u64(l, "p99_ns")) / 1000,
                    double(u64(l, "max_ns")) / 1000, ull(u64(a, "closed_clean")));
    } else if (generator) {
        const json& ms = a.contains("setup_ms") ? a["setup_ms"] : json::object();
        std::printf("\ntcp connections (generator): %llu of %llu established, set-up ms min %llu median %llu p99 %llu "
                    "max %llu, %.1f/s over %.2f s; up at the end %llu, closed clean %llu",
                    ull(u64(a, "established")), ull(u64(a, "requested")), ull(u64(ms, "min")), ull(u64(ms, "median")),
                    ull(u64(ms, "p99")), ull(u64(ms, "max")), num(a, "setup_rate_per_s"), num(a, "setup_phase_s"),
                    ull(u64(a, "up_at_end")), ull(u64(a, "closed_clean")));
    } else {
        std::printf("\ntcp connections (sink): %llu SYNs, %llu established, closed clean %llu, %llu bytes "
                    "(%llu duplicate), out of order %llu, out of window %llu",
                    ull(u64(a, "syns")), ull(u64(a, "established")), ull(u64(a, "closed_clean")), ull(u64(a, "bytes")),
                    ull(u64(a, "duplicate_bytes")), ull(u64(a, "out_of_order_segments")),
                    ull(u64(a, "out_of_window_segments")));
    }
    if (a.contains("failed")) {
        for (const auto& [reason, n] : a["failed"].items()) std::printf(", %s %llu", reason.c_str(), ull(n.get<std::uint64_t>()));
    }
    std::printf("\n");
    if (a.contains("closed_loop")) {
        const json& c = a["closed_loop"];
        std::printf("closed loop: %llu segments, %llu bytes acknowledged in %.2f s, goodput %sbit/s; resent %llu "
                    "(fast retransmits %llu, RTO timeouts %llu); cwnd %llu-%llu bytes, srtt max %llu ms\n",
                    ull(u64(c, "segments_sent")), ull(u64(c, "bytes_acked")), num(c, "data_seconds"),
                    si(num(c, "goodput_bps")).c_str(), ull(u64(c, "retransmitted_segments")),
                    ull(u64(c, "fast_retransmits")), ull(u64(c, "rto_expiries")),
                    ull(c.contains("cwnd_bytes") ? u64(c["cwnd_bytes"], "min") : 0),
                    ull(c.contains("cwnd_bytes") ? u64(c["cwnd_bytes"], "max") : 0), ull(u64(c, "srtt_ms_max")));
    }
    if (generator && !a.contains("connect_per_request") && u64(a, "established") > 0) print_survival("tcp connections", a);
    const std::string verdict = a.value("verdict", "");
    if (!verdict.empty()) std::printf("tcp: %s\n", verdict.c_str());
}

std::string latency_us(const json& l) {
    char text[160];
    std::snprintf(text, sizeof text, "min %.1f p50 %.1f p90 %.1f p99 %.1f p99.9 %.1f max %.1f",
                  double(u64(l, "min_ns")) / 1000, double(u64(l, "p50_ns")) / 1000, double(u64(l, "p90_ns")) / 1000,
                  double(u64(l, "p99_ns")) / 1000, double(u64(l, "p999_ns")) / 1000, double(u64(l, "max_ns")) / 1000);
    return text;
}

// What came back to ICMP echo, ARP and DNS requests, counted by the generator.
void print_answers(const json& a) {
    if (a.contains("icmp")) {
        const json& i = a["icmp"];
        std::printf("\nicmp: %llu echo requests, %llu replies, %llu lost (%.3f%%), %llu duplicates; RTT us %s\n",
                    ull(u64(i, "requests")), ull(u64(i, "replies")), ull(u64(i, "lost")), num(i, "loss_percent"),
                    ull(u64(i, "duplicates")), latency_us(i.value("rtt", json::object())).c_str());
    }
    if (a.contains("arp")) {
        const json& p = a["arp"];
        std::printf("\narp: %llu requests, %llu replies, %llu unanswered (%.1f%%)\n", ull(u64(p, "requests")),
                    ull(u64(p, "replies")), ull(u64(p, "unanswered")), num(p, "unanswered_percent"));
    }
    if (a.contains("dns")) {
        const json& d = a["dns"];
        std::string rcodes;
        for (const auto& [name, n] : d["rcodes"].items()) {
            rcodes += (rcodes.empty() ? "" : ", ") + name + " " + std::to_string(n.get<std::uint64_t>());
        }
        std::printf("\ndns: %llu queries, %llu answered in time (%s), %llu timed out (%.3f%%, %llu answered late), "
                    "%llu answers to no query of ours; latency us %s\n",
                    ull(u64(d, "queries")), ull(u64(d, "answered")), rcodes.empty() ? "none" : rcodes.c_str(),
                    ull(u64(d, "timed_out")), num(d, "timed_out_percent"), ull(u64(d, "late")),
                    ull(u64(d, "unmatched")), latency_us(d.value("latency", json::object())).c_str());
    }
}

// The gaps the path made in each protocol's flows and streams, and the longest.
void print_interruptions(const json& sink) {
    const json& i = sink["interruptions"];
    std::printf("\ninterruptions (gaps of %.3g ms or more with packets lost or held back):", num(i, "threshold_ms"));
    bool any = false;
    for (const auto& [p, t] : sink["protocols"].items()) {
        if (u64(t, "interruptions") == 0) continue;
        any = true;
        const json& g = t["longest_gap"];
        std::printf("\n  %s: %llu, %llu packets lost in them; longest %.3f ms from %s on flow %llu stream %llu, %llu lost",
                    p.c_str(), ull(u64(t, "interruptions")), ull(u64(t, "lost_in_interruptions")), num(g, "duration_ms"),
                    g.value("start", "").c_str(), ull(u64(g, "flow")), ull(u64(g, "stream")), ull(u64(g, "lost")));
    }
    std::printf("%s\n", any ? "" : " none");
}

}  // namespace

void print_summary(const json& r) {
    const json empty = json::object();
    const json& gen = r.contains("generator") ? r["generator"]["protocols"] : empty;
    const json& sink = r.contains("sink") ? r["sink"]["protocols"] : empty;
    // Loss is sent minus received where both ends are in the report; a sink alone has only
    // the gaps in what it received.
    const json& delivered = r.contains("delivery") ? r["delivery"]["protocols"] : empty;
    std::printf("\n%-6s %12s %12s %12s %9s %12s %13s %10s %9s\n", "proto", "sent", "received", "lost", "loss %",
                "rx pps", "rx bit/s (L2)", "jitter us", "csum err");
    for (const char* p : {"tcp", "udp", "sctp", "icmp", "arp", "dns", "raw"}) {
        if (!gen.contains(p) && !sink.contains(p)) continue;
        const std::string sent = gen.contains(p) ? std::to_string(u64(gen[p], "packets")) : "-";
        const json& s = sink.contains(p) ? sink[p] : empty;
        const json& d = delivered.contains(p) ? delivered[p] : empty;
        const bool both = !d.empty();
        if (!both && s.empty()) {
            std::printf("%-6s %12s %12s\n", p, sent.c_str(), "-");
            continue;
        }
        std::printf("%-6s %12s %12llu %12llu %9.3f %12s %13s %10.2f %9llu\n", p, sent.c_str(), ull(u64(s, "packets")),
                    ull(u64(both ? d : s, "lost")), num(both ? d : s, "loss_percent"), si(num(s, "pps")).c_str(),
                    si(num(s, "l2_bps")).c_str(), double(u64(s, "jitter_ns_max")) / 1000,
                    ull(u64(s, "bad_ip_checksum") + u64(s, "bad_l4_checksum")));
    }
    for (const auto& [p, d] : delivered.items()) {
        if (d.contains("rate_error_percent")) {
            std::printf("%s: target %spps (%sbit/s), at the sink %spps (%sbit/s): %+.2f %%\n", p.c_str(),
                        si(num(d, "target_pps")).c_str(), si(num(d, "target_l2_bps")).c_str(),
                        si(num(d, "received_pps")).c_str(), si(num(d, "received_l2_bps")).c_str(),
                        num(d, "rate_error_percent"));
        }
        if (u64(d, "lost_at_end_or_in_flight") > 0 && u64(d, "received") > 0) {
            std::printf("%s: %llu of the %llu lost came after the last frame received (lost at the end, or still in "
                        "flight when the sink stopped); %llu were gaps\n",
                        p.c_str(), ull(u64(d, "lost_at_end_or_in_flight")), ull(u64(d, "lost")),
                        ull(u64(d, "lost_in_gaps")));
        }
    }
    if (r.contains("delivery")) {
        for (const auto& v : r["delivery"]["verdicts"]) std::printf("%s\n", v.get<std::string>().c_str());
    }
    // One row per SCTP stream: what the generator sent on it and what the sink saw.
    std::map<std::pair<std::uint64_t, std::uint64_t>, std::uint64_t> sent;
    if (r.contains("generator") && r["generator"].contains("streams")) {
        for (const auto& st : r["generator"]["streams"]) {
            if (st.value("protocol", "") == "sctp") sent[{u64(st, "flow"), u64(st, "stream")}] = u64(st, "packets");
        }
    }
    if (r.contains("generator") && r["generator"].contains("sctp_associations")) {
        print_client_associations(r["generator"]["sctp_associations"]);
    }
    if (r.contains("sink") && r["sink"].contains("sctp_associations")) print_sctp_associations(r["sink"]["sctp_associations"]);
    if (r.contains("generator") && r["generator"].contains("tcp_connections")) {
        print_tcp_connections(r["generator"]["tcp_connections"], true);
    }
    if (r.contains("sink") && r["sink"].contains("tcp_connections")) print_tcp_connections(r["sink"]["tcp_connections"], false);
    if (r.contains("generator") && r["generator"].contains("round_trip")) {
        // Round trip on the generator's clock: what the reflector sent back.
        for (const auto& [p, t] : r["generator"]["round_trip"]["protocols"].items()) {
            const json& l = t.contains("latency") ? t["latency"] : json::object();
            std::printf("\nround trip %s: %llu back, %llu lost (%.3f%%), RTT us %s, jitter us max %.2f", p.c_str(),
                        ull(u64(t, "packets")), ull(u64(t, "lost")), num(t, "loss_percent"), latency_us(l).c_str(),
                        double(u64(t, "jitter_ns_max")) / 1000);
        }
        std::printf("\n");
    }
    if (r.contains("generator") && r["generator"].contains("answers")) print_answers(r["generator"]["answers"]);
    if (r.contains("generator") && r["generator"].contains("request_response")) {
        const json& t = r["generator"]["request_response"];
        const json& l = t.contains("latency") ? t["latency"] : json::object();
        std::printf("\nrequest/response %s: %llu transactions on %llu sessions, %.0f per second, %llu lost, %llu "
                    "unanswered at the end; %llu-byte requests, %llu-byte responses; latency us %s\n",
                    t.value("protocol", "").c_str(), ull(u64(t, "transactions")), ull(u64(t, "sessions")),
                    num(t, "per_second"), ull(u64(t, "lost")), ull(u64(t, "unanswered_at_end")),
                    ull(u64(t, "request_bytes")), ull(u64(t, "response_bytes")), latency_us(l).c_str());
        if (!t.value("verdict", "").empty()) std::printf("request/response: %s\n", t.value("verdict", "").c_str());
    }
    if (r.contains("sink") && r["sink"].contains("requests")) {
        for (const auto& [p, q] : r["sink"]["requests"].items()) {
            std::printf("\nanswered %s requests: %llu, %llu bytes back\n", p.c_str(), ull(u64(q, "answered")),
                        ull(u64(q, "response_bytes")));
        }
    }
    if (r.contains("sink") && r["sink"].contains("reflected")) {
        std::printf("\nreflected: %llu test packets sent back, %llu not taken by the port\n",
                    ull(u64(r["sink"]["reflected"], "sent")), ull(u64(r["sink"]["reflected"], "dropped")));
    }
    if (r.contains("sink") && r["sink"].contains("interruptions")) print_interruptions(r["sink"]);
    if (r.contains("path")) {
        std::printf("\n");
        for (const auto& [p, v] : r["path"].items()) std::printf("path: %s\n", v.value("verdict", "").c_str());
    }
    const auto stream_header = [] {
        std::printf("\n%-11s %6s %12s %12s %12s %10s\n", "sctp flow", "stream", "sent", "received", "lost", "jitter us");
    };
    if (r.contains("delivery")) {
        // Every stream the generator sent on, those that received nothing too.
        bool shown = false;
        for (const auto& st : r["delivery"]["streams"]) {
            if (st.value("protocol", "") != "sctp") continue;
            if (!shown) stream_header();
            shown = true;
            std::printf("%-11llu %6llu %12llu %12llu %12llu %10.2f\n", ull(u64(st, "flow")), ull(u64(st, "stream")),
                        ull(u64(st, "sent")), ull(u64(st, "received")), ull(u64(st, "lost")),
                        double(u64(st, "jitter_ns")) / 1000);
        }
        return;
    }
    if (!r.contains("sink") || !r["sink"].contains("streams")) return;
    bool header = false;
    for (const auto& st : r["sink"]["streams"]) {
        if (st.value("protocol", "") != "sctp") continue;
        if (!header) stream_header();
        header = true;
        const auto key = std::make_pair(u64(st, "flow"), u64(st, "stream"));
        const auto it = sent.find(key);
        const std::string s = it == sent.end() ? "-" : std::to_string(it->second);
        std::printf("%-11llu %6llu %12s %12llu %12llu %10.2f\n", ull(key.first), ull(key.second), s.c_str(),
                    ull(u64(st, "packets")), ull(u64(st, "lost")), double(u64(st, "jitter_ns")) / 1000);
    }
}

}  // namespace tg::app
