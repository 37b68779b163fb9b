#include "report.hpp"

#include "answers_report.hpp"
#include "outputs.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <map>
#include <sstream>
#include <tuple>

#include "dataplane/eal.hpp"
#include "tcp_report.hpp"
#include "transactions_report.hpp"
#include "traffic/flows.hpp"

namespace tg::app {

namespace {

using nlohmann::json;
using traffic::Protocol;

std::uint64_t load(const std::atomic<std::uint64_t>& a) { return a.load(std::memory_order_relaxed); }

std::string kernel_release() {
    utsname u{};
    return uname(&u) == 0 ? u.release : "unknown";
}

std::string iso8601(std::chrono::system_clock::time_point t) {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// Nanoseconds of the realtime clock, to the microsecond.
std::string iso8601_us(std::uint64_t unix_ns) {
    const auto t = static_cast<std::time_t>(unix_ns / 1'000'000'000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[48];
    const std::size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(buf + n, sizeof(buf) - n, ".%06uZ", static_cast<unsigned>(unix_ns % 1'000'000'000 / 1000));
    return buf;
}

double ms(std::uint64_t ns) { return double(ns) / 1e6; }

json gap_json(const stats::Gap& g) {
    return {{"start", iso8601_us(g.start_ns)}, {"duration_ms", ms(g.duration_ns)}, {"lost", g.lost}};
}

// Report order for per-stream rows: protocol, flow, stream.
bool by_key(const json& a, const json& b) {
    return std::tie(a["protocol"], a["flow"], a["stream"]) < std::tie(b["protocol"], b["flow"], b["stream"]);
}

json rates(std::uint64_t packets, std::uint64_t bytes, std::uint64_t payload, double seconds) {
    if (seconds <= 0) seconds = 1e-9;
    return {{"pps", double(packets) / seconds},
            {"l1_bps", (double(bytes) + 20.0 * double(packets)) * 8 / seconds},
            {"l2_bps", double(bytes) * 8 / seconds},
            {"goodput_bps", double(payload) * 8 / seconds}};
}

json settings(const Options& o) {
    json protocols = json::array();
    for (const auto& p : o.mix.empty() ? o.protocols : o.mix) protocols.push_back({{"protocol", traffic::to_string(p.protocol)}, {"weight", p.weight}});
    return {{"role", to_string(o.role)},
            {"iface", o.iface},
            {"pci", o.pci},
            {"pci_env", o.pci_env},
            {"vdev", o.vdevs},
            {"lcores", o.lcores},
            {"eal", o.eal},
            {"protocols", protocols},
            {"protocols_mode", o.mix.empty() ? "rotate" : "mix"},
            {"protocol_duration_s", o.protocol_duration_s},
            {"streams", o.streams},
            {"size", o.sizes ? o.sizes->to_string() : "1400-byte payload"},
            {"udp_payload", o.udp_payload > 0 ? o.udp_payload : o.sizes ? 0 : 1400},
            {"rate", o.rate_text.empty() ? "default (100M for udp, max otherwise)" : o.rate_text},
            {"udp_rate", !o.udp_rate_text.empty() ? o.udp_rate_text : !o.rate_text.empty() ? o.rate_text : "100M"},
            {"pattern", traffic::to_string(o.pacing.pattern)},
            {"burst", o.pacing.burst_size},
            {"burst_gap_s", o.pacing.burst_gap_s},
            {"backoff_max_s", o.pacing.backoff_max_s},
            {"ramp_from_pps", o.pacing.ramp_from_pps},
            {"ramp_time_s", o.pacing.ramp_time_s},
            {"seed", o.pacing.seed},
            {"duration_s", o.duration_s},
            {"count", o.count},
            {"flows", o.flows},
            {"src_mac", o.src_mac.to_string()},
            {"dst_mac", o.dst_mac.to_string()},
            {"src_ip", o.src_ip},
            {"dst_ip", o.dst_ip},
            {"src_port", o.src_port},
            {"dst_port", o.dst_port},
            {"vlan", o.vlans},
            {"ttl", o.ttl},
            {"tx_checksum_offload", o.tx_checksum_offload},
            {"bad_checksum_every", o.bad_checksum_every},
            {"max_streams", o.sink.max_streams},
            {"shared_clock", o.sink.shared_clock},
            {"request_response", o.request_response},
            {"request_bytes", o.request_bytes},
            {"response_bytes", o.response_bytes},
            {"response_timeout_s", o.response_timeout_s},
            {"command_line", o.command_line}};
}

json port_json(const dataplane::PortCapabilities& c, const dataplane::Port& port) {
    const auto k = port.counters();
    return {{"name", c.name},
            {"driver", c.driver},
            {"mac", c.mac},
            {"link_speed_mbps", c.link_speed_mbps},
            {"max_rx_pktlen", c.max_rx_pktlen},
            {"rx_queues_max", c.max_rx_queues},
            {"tx_queues_max", c.max_tx_queues},
            {"offloads",
             {{"tx", {{"ipv4_checksum", c.tx_ipv4_checksum}, {"udp_checksum", c.tx_udp_checksum}, {"tcp_checksum", c.tx_tcp_checksum}, {"sctp_checksum", c.tx_sctp_checksum}}},
              {"rx", {{"ipv4_checksum", c.rx_ipv4_checksum}, {"udp_checksum", c.rx_udp_checksum}, {"tcp_checksum", c.rx_tcp_checksum}, {"sctp_checksum", c.rx_sctp_checksum}}},
              {"used_tx", {{"ipv4_checksum", port.offload_ip()}, {"udp_checksum", port.offload_l4(17)}, {"tcp_checksum", port.offload_l4(6)}, {"sctp_checksum", port.offload_l4(132)}}},
              {"rss", c.rss}}},
            {"counters", {{"rx_packets", k.rx_packets}, {"tx_packets", k.tx_packets}, {"rx_bytes", k.rx_bytes}, {"tx_bytes", k.tx_bytes}, {"rx_missed", k.rx_missed}, {"rx_errors", k.rx_errors}, {"tx_errors", k.tx_errors}, {"rx_nombuf", k.rx_nombuf}}}};
}

json generator_json(const ReportInputs& in) {
    std::uint64_t packets = 0, bytes = 0, payload = 0, no_mbuf = 0;
    std::array<std::uint64_t, traffic::protocol_count> per{}, spoiled{};
    json streams = json::array();
    for (const auto& e : in.tx) {
        const auto& c = e->counters();
        packets += load(c.packets);
        bytes += load(c.bytes);
        payload += load(c.payload_bytes);
        no_mbuf += load(c.no_mbuf);
        for (std::size_t i = 0; i < traffic::protocol_count; ++i) {
            per[i] += load(c.per_protocol[i]);
            spoiled[i] += load(c.bad_l4_checksum[i]);
        }
        const auto& s = e->sequencer();
        for (Protocol p : traffic::all_protocols) {
            if (per[static_cast<std::size_t>(p)] == 0) continue;
            const std::uint16_t n_streams = p == Protocol::sctp ? s.streams() : 1;
            for (std::uint32_t k = 0; k < s.flows_here() && streams.size() < 65536; ++k) {
                const std::uint32_t flow = s.first_flow() + k * s.flow_step();
                for (std::uint16_t st = 0; st < n_streams; ++st) {
                    const std::uint32_t sent = s.sent(p, flow, st);
                    if (sent > 0) streams.push_back({{"protocol", traffic::to_string(p)}, {"flow", flow}, {"stream", st}, {"packets", sent}});
                }
            }
        }
    }
    json g = {{"packets", packets}, {"bytes", bytes}, {"payload_bytes", payload}, {"no_mbuf", no_mbuf}};
    g.update(rates(packets, bytes, payload, in.elapsed_s));
    json pp = json::object();
    for (Protocol p : traffic::all_protocols) {
        const auto i = static_cast<std::size_t>(p);
        if (per[i] > 0) pp[traffic::to_string(p)] = {{"packets", per[i]}, {"bad_l4_checksum", spoiled[i]}};
    }
    g["protocols"] = pp;
    std::sort(streams.begin(), streams.end(), by_key);
    g["streams"] = streams;
    return g;
}

// What the sink's SCTP servers saw: the handshakes, each association's end, and the
// data per stream id over all associations; null when nobody asked for one.
json sctp_associations_json(const std::vector<std::unique_ptr<dataplane::RxEngine>>& rx) {
    proto::SctpServerCounters c;
    std::uint64_t total = 0, established = 0, shut_down = 0, chunks = 0, duplicates = 0, bytes = 0, sacks = 0, bad_vtag = 0;
    std::map<std::string, std::uint64_t> failed;
    std::map<std::uint16_t, std::pair<std::uint64_t, std::uint64_t>> per_stream;
    json list = json::array();
    for (const auto& e : rx) {
        const sink::SctpResponder* r = e->core().sctp();
        if (r == nullptr) continue;
        const auto& k = r->server().counters();
        c.inits += k.inits;
        c.cookies_accepted += k.cookies_accepted;
        c.cookies_forged += k.cookies_forged;
        c.cookies_stale += k.cookies_stale;
        c.cookies_malformed += k.cookies_malformed;
        c.cookies_mismatched += k.cookies_mismatched;
        c.duplicate_cookie_echoes += k.duplicate_cookie_echoes;
        c.restarts += k.restarts;
        c.out_of_the_blue += k.out_of_the_blue;
        c.refused_full += k.refused_full;
        r->server().for_each([&](const proto::SctpAssociation& a) {
            ++total;
            if (a.established()) ++established;
            if (a.state() == proto::SctpState::closed) {
                if (a.failure() == proto::SctpFailure::none) ++shut_down;
                else ++failed[proto::to_string(a.failure())];
            }
            chunks += a.counters().data_in;
            duplicates += a.counters().duplicate_tsns_in;
            bytes += a.counters().data_bytes_in;
            sacks += a.counters().sacks_out;
            bad_vtag += a.counters().bad_vtag;
            for (std::size_t i = 0; i < a.stream_chunks_in().size(); ++i) {
                if (a.stream_chunks_in()[i] == 0) continue;
                auto& ps = per_stream[static_cast<std::uint16_t>(i)];
                ps.first += a.stream_chunks_in()[i];
                ps.second += a.stream_bytes_in()[i];
            }
            if (list.size() < 1024) {
                list.push_back({{"peer", a.config().peer_address.to_string()},
                                {"peer_port", a.config().peer_port},
                                {"local_port", a.config().local_port},
                                {"state", proto::to_string(a.state())},
                                {"failure", proto::to_string(a.failure())},
                                {"inbound_streams", a.inbound_streams()},
                                {"outbound_streams", a.outbound_streams()},
                                {"data_chunks", a.counters().data_in},
                                {"data_bytes", a.counters().data_bytes_in},
                                {"peer_reason", a.peer_reason()}});
            }
        });
    }
    if (c.inits == 0 && total == 0 && c.cookies_forged + c.cookies_malformed + c.cookies_stale == 0) return nullptr;
    json streams = json::array();
    for (const auto& [id, v] : per_stream) streams.push_back({{"stream", id}, {"chunks", v.first}, {"bytes", v.second}});
    return {{"inits", c.inits},
            {"cookies_accepted", c.cookies_accepted},
            {"cookies_forged", c.cookies_forged},
            {"cookies_stale", c.cookies_stale},
            {"cookies_malformed", c.cookies_malformed},
            {"cookies_mismatched", c.cookies_mismatched},
            {"duplicate_cookie_echoes", c.duplicate_cookie_echoes},
            {"restarts", c.restarts},
            {"refused_full", c.refused_full},
            {"out_of_the_blue", c.out_of_the_blue},
            {"associations", total},
            {"established", established},
            {"shut_down", shut_down},
            {"failed", failed},
            {"data_chunks", chunks},
            {"duplicate_data_chunks", duplicates},
            {"data_bytes", bytes},
            {"sacks_sent", sacks},
            {"bad_verification_tag", bad_vtag},
            {"streams", streams},
            {"list", list}};
}

// Every interruption the cores listed, oldest first, and how many were past the list.
json interruptions_json(const std::vector<const sink::SinkCore*>& cores) {
    std::vector<sink::Interruption> all;
    std::uint64_t not_listed = 0, threshold_ns = 0;
    for (const sink::SinkCore* core : cores) {
        all.insert(all.end(), core->interruptions().begin(), core->interruptions().end());
        not_listed += core->interruptions_not_listed();
        threshold_ns = core->config().gap_threshold_ns;
    }
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.gap.start_ns < b.gap.start_ns; });
    json list = json::array();
    for (const auto& i : all) {
        json g = gap_json(i.gap);
        g["protocol"] = traffic::to_string(i.protocol);
        g["flow"] = i.flow_id;
        g["stream"] = i.stream_id;
        list.push_back(std::move(g));
    }
    return {{"threshold_ms", ms(threshold_ns)}, {"list", list}, {"not_listed", not_listed}};
}

// What a set of sink cores counted: totals, per protocol (loss, rates, jitter, latency)
// and per stream. The sink's RX lcores, or a round trip's returns on the generator's.
json arrivals_json(const std::vector<const sink::SinkCore*>& cores, bool latency_valid) {
    sink::SinkTotals t;
    std::map<std::size_t, std::vector<const sink::StreamStats*>> streams_of;
    for (const sink::SinkCore* core : cores) {
        const auto& s = core->totals();
        t.frames += s.frames;
        t.non_test += s.non_test;
        t.malformed += s.malformed;
        t.untracked += s.untracked;
        t.negative_latency += s.negative_latency;
        t.presence += s.presence;
        t.dns.answered += s.dns.answered;
        t.dns.late += s.dns.late;
        t.dns.unmatched += s.dns.unmatched;
        t.dns.truncated += s.dns.truncated;
        t.dns.with_answers += s.dns.with_answers;
        for (std::size_t i = 0; i < t.dns.rcodes.size(); ++i) t.dns.rcodes[i] += s.dns.rcodes[i];
        for (std::size_t i = 0; i < traffic::protocol_count; ++i) {
            auto& d = t.protocols[i];
            const auto& src = s.protocols[i];
            d.packets += src.packets;
            d.bytes += src.bytes;
            d.payload_bytes += src.payload_bytes;
            d.bad_ip_checksum += src.bad_ip_checksum;
            d.bad_l4_checksum += src.bad_l4_checksum;
            d.latency.merge(src.latency);
            if (src.first_rx_ns != 0 && (d.first_rx_ns == 0 || src.first_rx_ns < d.first_rx_ns)) d.first_rx_ns = src.first_rx_ns;
            d.last_rx_ns = std::max(d.last_rx_ns, src.last_rx_ns);
        }
        core->for_each_stream([&](const sink::StreamStats& st) {
            streams_of[static_cast<std::size_t>(st.protocol)].push_back(&st);
        });
    }
    json protocols = json::object();
    json streams = json::array();
    for (Protocol p : traffic::all_protocols) {
        const auto pi = static_cast<std::size_t>(p);
        const auto& pt = t.protocols[pi];
        const auto& list = streams_of[pi];
        if (pt.packets == 0 && pt.bad_ip_checksum == 0 && pt.bad_l4_checksum == 0) continue;
        std::uint64_t lost = 0, reordered = 0, dups = 0, expected = 0, jitter_max = 0, jitter_sum = 0;
        std::uint64_t gaps = 0, gap_lost = 0;
        const sink::StreamStats* longest = nullptr;
        // Protocols with no streams (ARP, DNS) keep their first and last arrival themselves.
        std::uint64_t first = pt.first_rx_ns != 0 ? pt.first_rx_ns : ~std::uint64_t{0}, last = pt.last_rx_ns;
        for (const auto* s : list) {
            lost += s->sequence.lost();
            reordered += s->sequence.reordered();
            dups += s->sequence.duplicates();
            expected += s->sequence.expected();
            jitter_max = std::max(jitter_max, s->jitter.ns());
            jitter_sum += s->jitter.ns();
            gaps += s->gaps.count();
            gap_lost += s->gaps.lost();
            if (s->gaps.count() > 0 && (longest == nullptr || s->gaps.longest().duration_ns > longest->gaps.longest().duration_ns)) {
                longest = s;
            }
            first = std::min(first, s->first_rx_ns);
            last = std::max(last, s->last_rx_ns);
            // The stream's own throughput, over the time its packets were arriving.
            const double stream_span = s->last_rx_ns > s->first_rx_ns ? double(s->last_rx_ns - s->first_rx_ns) / 1e9 : 0;
            const double intervals = s->packets > 1 ? double(s->packets - 1) / double(s->packets) : 0;
            const double stream_s = intervals > 0 ? stream_span / intervals : 0;
            json row = {{"protocol", traffic::to_string(p)}, {"flow", s->flow_id}, {"stream", s->stream_id},
                        {"packets", s->packets}, {"bytes", s->bytes}, {"expected", s->sequence.expected()},
                        {"lost", s->sequence.lost()}, {"reordered", s->sequence.reordered()},
                        {"duplicates", s->sequence.duplicates()}, {"jitter_ns", s->jitter.ns()},
                        {"pps", stream_s > 0 ? double(s->packets) / stream_s : 0.0},
                        {"l2_bps", stream_s > 0 ? double(s->bytes) * 8 / stream_s : 0.0},
                        {"interruptions", s->gaps.count()}};
            if (s->gaps.count() > 0) {
                row["longest_gap"] = gap_json(s->gaps.longest());
                row["interrupted_ms"] = ms(s->gaps.total_ns());
            }
            streams.push_back(std::move(row));
        }
        const double span = last > first ? double(last - first) / 1e9 : 0;
        json j = {{"packets", pt.packets},
                  {"bytes", pt.bytes},
                  {"payload_bytes", pt.payload_bytes},
                  {"bad_ip_checksum", pt.bad_ip_checksum},
                  {"bad_l4_checksum", pt.bad_l4_checksum},
                  {"expected", expected},
                  {"lost", lost},
                  {"loss_percent", expected == 0 ? 0.0 : 100.0 * double(lost) / double(expected)},
                  {"reordered", reordered},
                  {"duplicates", dups},
                  {"jitter_ns_max", jitter_max},
                  {"jitter_ns_mean", list.empty() ? 0 : jitter_sum / list.size()},
                  {"active_s", span},
                  {"interruptions", gaps},
                  {"lost_in_interruptions", gap_lost}};
        if (longest != nullptr) {
            j["longest_gap"] = gap_json(longest->gaps.longest());
            j["longest_gap"]["flow"] = longest->flow_id;
            j["longest_gap"]["stream"] = longest->stream_id;
        }
        // Rates over the time packets were arriving: (n - 1) intervals between n arrivals.
        if (pt.packets > 1 && span > 0) {
            const double n = double(pt.packets - 1) / double(pt.packets);
            j.update(rates(pt.packets, pt.bytes, pt.payload_bytes, span / n));
        } else {
            j.update(rates(0, 0, 0, 1));
        }
        j["latency"] = latency_json(pt.latency, latency_valid);
        protocols[traffic::to_string(p)] = j;
    }
    std::sort(streams.begin(), streams.end(), by_key);
    json out = {{"frames", t.frames},   {"non_test", t.non_test}, {"malformed", t.malformed},
                {"untracked", t.untracked}, {"negative_latency", t.negative_latency},
                {"presence_frames", t.presence}, {"protocols", protocols}, {"streams", streams}};
    if (protocols.contains("dns")) out["dns"] = dns_tally_json(t.dns);
    out["interruptions"] = interruptions_json(cores);
    return out;
}

json sink_json(const ReportInputs& in) {
    std::vector<const sink::SinkCore*> cores;
    for (const auto& e : in.rx) cores.push_back(&e->core());
    json out = arrivals_json(cores, in.options.sink.shared_clock || in.options.role == Role::loopback);
    std::uint64_t reflected = 0, reflect_dropped = 0;
    for (const auto& e : in.rx) {
        reflected += load(e->counters().reflected);
        reflect_dropped += load(e->counters().reflect_dropped);
    }
    if (in.options.reflect) out["reflected"] = {{"sent", reflected}, {"dropped", reflect_dropped}};
    json assoc = sctp_associations_json(in.rx);
    if (!assoc.is_null()) out["sctp_associations"] = assoc;
    json conns = tcp_connections_json(in.rx);
    if (!conns.is_null()) out["tcp_connections"] = conns;
    std::uint64_t replies = 0, replies_dropped = 0;
    for (const auto& e : in.rx) {
        replies += load(e->counters().replies);
        replies_dropped += load(e->counters().replies_dropped);
    }
    json requests = requests_json(in.rx);
    if (!requests.is_null()) out["requests"] = requests;
    // The SCTP and TCP servers' answers (SACKs, SYN-ACKs, ACKs and the rest) and the
    // answers to UDP requests.
    if (!assoc.is_null() || !conns.is_null() || !requests.is_null()) {
        out["answers"] = {{"on_wire", replies}, {"dropped", replies_dropped}};
    }
    return out;
}

}  // namespace

json build_report(const ReportInputs& in) {
    json r = {{"schema", "trafficgen.report"},
              {"schema_version", report_schema_version},
              {"trafficgen_version", "0.1.0"},
              {"dpdk_version", in.dpdk_version},
              {"kernel", kernel_release()},
              {"role", to_string(in.options.role)},
              {"started_at", iso8601(in.started)},
              {"elapsed_s", in.elapsed_s},
              {"stopped_by", in.stopped_by},
              {"settings", settings(in.options)},
              {"port", port_json(in.caps, in.port)}};
    if (!in.tx.empty()) {
        r["generator"] = generator_json(in);
        if (in.options.round_trip) {
            // What the reflector sent back, on the generator's own clock: the latency is
            // the round trip.
            std::vector<const sink::SinkCore*> cores;
            std::uint64_t returned = 0;
            for (const auto& e : in.tx) {
                if (e->returns() != nullptr) cores.push_back(e->returns());
                returned += load(e->counters().returned);
            }
            json rt = arrivals_json(cores, true);
            rt["frames_received"] = returned;
            r["generator"]["round_trip"] = rt;
        }
        if (in.tx.front()->returns() != nullptr && !in.options.round_trip) {
            // The answers to ICMP echo, ARP and DNS requests, on the generator's own clock.
            std::vector<const sink::SinkCore*> cores;
            std::uint64_t returned = 0;
            for (const auto& e : in.tx) {
                if (e->returns() != nullptr) cores.push_back(e->returns());
                returned += load(e->counters().returned);
            }
            r["generator"]["answers"] = answers_json(r["generator"]["protocols"], arrivals_json(cores, true), returned);
        }
    }
    if (!in.rx.empty()) r["sink"] = sink_json(in);
    return r;
}

json settings_json(const Options& o) { return settings(o); }

json port_report(const dataplane::PortCapabilities& caps, const dataplane::Port& port) { return port_json(caps, port); }

json versions_json(std::chrono::system_clock::time_point started) {
    return {{"trafficgen_version", "0.1.0"}, {"dpdk_version", dataplane::dpdk_version()}, {"kernel", kernel_release()},
            {"started_at", iso8601(started)}};
}

void write_report_atomically(const json& report, const std::string& path) {
    write_file_atomically(path, "report", report.dump(2) + "\n");
}

void write_timeline(const std::vector<std::unique_ptr<dataplane::RxEngine>>& rx, const std::string& path) {
    std::vector<sink::Arrival> all;
    for (const auto& e : rx) all.insert(all.end(), e->core().timeline().begin(), e->core().timeline().end());
    std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.rx_ns < b.rx_ns; });
    std::ostringstream out;
    out << "rx_ns,protocol,flow,stream,seq,bytes,tx_ns\n";
    for (const auto& a : all) {
        out << a.rx_ns << ',' << traffic::to_string(a.protocol) << ',' << a.flow_id << ',' << a.stream_id << ','
            << a.seq << ',' << a.wire_bytes << ',' << a.tx_ns << '\n';
    }
    write_file_atomically(path, "timeline", out.str());
}

}  // namespace tg::app
