#include "report_step.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "orch_error.hpp"
#include "output.hpp"
#include "report/delivery.hpp"
#include "search_report.hpp"

namespace tg::orch {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json read_json(const fs::path& p) {
    std::ifstream in(p);
    if (!in) return nullptr;
    json j = json::parse(in, nullptr, false);
    return j.is_discarded() ? json(nullptr) : j;
}

std::uint64_t u64(const json& j, const char* k) {
    return j.is_object() && j.contains(k) && j[k].is_number() ? j[k].get<std::uint64_t>() : 0;
}

// The latency a protocol's numbers come with, and where it was measured: the sink's
// one-way latency needs a shared clock; without one, the generator's round trip or its
// transactions.
std::pair<json, std::string> latency_of(const json& gen, const json& sink, const std::string& p) {
    const json& s = sink["protocols"][p];
    if (s.contains("latency") && s["latency"].value("valid", false)) return {s["latency"], "one way, on the sink (shared clock)"};
    if (gen.contains("round_trip") && gen["round_trip"]["protocols"].contains(p) &&
        gen["round_trip"]["protocols"][p].contains("latency")) {
        return {gen["round_trip"]["protocols"][p]["latency"], "round trip, on the generator"};
    }
    if (gen.contains("request_response") && gen["request_response"].value("protocol", "") == p) {
        return {gen["request_response"]["latency"], "request to response, on the generator"};
    }
    return {nullptr, ""};
}

json pair_block(const std::string& name, const fs::path& dir, const json& run) {
    json b = {{"pair", name}, {"run", run}};
    const json g = read_json(dir / "generator.json");
    const json s = read_json(dir / "sink.json");
    const json search = read_json(dir / "search.json");
    if (search.is_object()) {
        // A search: its trials are the figures; the sink's totals span them all and are not lined up.
        b["search"] = search_block(search);
        b["generator_report"] = true;
        b["sink_report"] = s.is_object();
        b["protocols"] = json::object();
        b["streams"] = json::array();
        b["verdicts"] = json::array();
        b["timeline"] = {{"generator", json::array()}, {"sink", json::array()}};
        return b;
    }
    b["generator_report"] = g.is_object();
    b["sink_report"] = s.is_object();
    const json gen = g.is_object() && g.contains("generator") ? g["generator"] : json::object();
    const json sink = s.is_object() && s.contains("sink") ? s["sink"] : json::object();
    // Loss against what was sent (lib/report/delivery), the sink's rates, jitter and
    // latency beside it.
    const json delivered = report::delivery_json(gen, sink);
    json protocols = json::object();
    std::set<std::string> names;
    if (gen.contains("protocols")) for (const auto& [p, v] : gen["protocols"].items()) names.insert(p);
    if (sink.contains("protocols")) for (const auto& [p, v] : sink["protocols"].items()) names.insert(p);
    for (const auto& p : names) {
        const json sp = sink.contains("protocols") && sink["protocols"].contains(p) ? sink["protocols"][p] : json::object();
        json e = delivered["protocols"].contains(p) ? delivered["protocols"][p]
                                                    : report::deliver(0, sp).to_json();  // only the sink saw it
        if (!delivered["protocols"].contains(p)) e["received"] = u64(sp, "packets");
        if (!s.is_object()) {
            // No sink report: what arrived is unknown, not lost.
            e = {{"sent", e["sent"]}};
        }
        e.update({{"rx_l2_bps", num(sp, "l2_bps")},
                  {"rx_pps", num(sp, "pps")},
                  {"jitter_ns_max", u64(sp, "jitter_ns_max")},
                  {"jitter_ns_mean", u64(sp, "jitter_ns_mean")},
                  {"bad_checksums", u64(sp, "bad_ip_checksum") + u64(sp, "bad_l4_checksum")}});
        // Interruptions (a migration, a failover): how many, the packets lost in them, the longest.
        if (sp.contains("interruptions")) {
            e["interruptions"] = u64(sp, "interruptions");
            e["lost_in_interruptions"] = u64(sp, "lost_in_interruptions");
            if (sp.contains("longest_gap")) e["longest_gap"] = sp["longest_gap"];
        }
        if (sink.contains("protocols") && sink["protocols"].contains(p)) {
            auto [lat, where] = latency_of(gen, sink, p);
            if (!lat.is_null()) {
                e["latency"] = lat;
                e["latency_measured"] = where;
            }
        }
        protocols[p] = e;
    }
    b["protocols"] = protocols;
    b["streams"] = s.is_object() ? delivered["streams"] : json::array();
    // Verdicts the generator gave (sessions that never came up, requests never answered).
    json verdicts = json::array();
    for (const char* k : {"tcp_connections", "sctp_associations", "request_response"}) {
        if (gen.contains(k) && !gen[k].value("verdict", "").empty()) verdicts.push_back(gen[k]["verdict"]);
    }
    // And each protocol or stream nothing of which arrived.
    if (s.is_object()) {
        for (const auto& v : delivered["verdicts"]) verdicts.push_back(v);
    }
    b["verdicts"] = verdicts;
    // Whether the generator's associations and connections lived through the run.
    json survival = json::object();
    for (const char* k : {"sctp_associations", "tcp_connections"}) {
        if (gen.contains(k) && gen[k].contains("survival")) survival[k] = gen[k]["survival"];
    }
    if (!survival.empty()) b["survival"] = survival;
    // Throughput over time, each side on its own clock from its start.
    json timeline = {{"generator", json::array()}, {"sink", json::array()}};
    std::ifstream live(dir / "live.jsonl");
    for (std::string line; std::getline(live, line);) {
        const json j = json::parse(line, nullptr, false);
        if (!j.is_object()) continue;
        if (j.value("role", "") == "generator") timeline["generator"].push_back({{"t", num(j, "t")}, {"bps", num(j, "tx_l2_bps")}});
        if (j.value("role", "") == "sink") timeline["sink"].push_back({{"t", num(j, "t")}, {"bps", num(j, "rx_l2_bps")}});
    }
    b["timeline"] = timeline;
    return b;
}

const char* const colours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"};

// Throughput over time: a line per pair and side.
std::string throughput_svg(const json& report) {
    struct Series {
        std::string label;
        std::vector<std::pair<double, double>> points;
        bool dashed;
    };
    std::vector<Series> series;
    double t_max = 1, y_max = 1;
    for (const auto& p : report["pairs"]) {
        for (const char* side : {"generator", "sink"}) {
            Series s{p.value("pair", "") + (std::string(side) == "generator" ? " sent" : " received"), {}, std::string(side) == "sink"};
            for (const auto& pt : p["timeline"][side]) {
                s.points.push_back({num(pt, "t"), num(pt, "bps") / 1e6});
                t_max = std::max(t_max, num(pt, "t"));
                y_max = std::max(y_max, num(pt, "bps") / 1e6);
            }
            if (!s.points.empty()) series.push_back(std::move(s));
        }
    }
    const double w = 760, h = 300, left = 70, bottom = 40, top = 20, right = 20;
    const double pw = w - left - right, ph = h - top - bottom;
    std::ostringstream o;
    o << "<svg class=\"chart\" id=\"throughput\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << h + 20 * double(series.size()) << "\">";
    o << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << pw << "\" height=\"" << ph << "\" fill=\"#fafafa\" stroke=\"#999\"/>";
    for (int i = 0; i <= 4; ++i) {
        const double y = top + ph - ph * i / 4;
        o << "<line x1=\"" << left << "\" x2=\"" << left + pw << "\" y1=\"" << y << "\" y2=\"" << y << "\" stroke=\"#ddd\"/>";
        o << "<text x=\"" << left - 6 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\" font-size=\"11\">" << fixed(y_max * i / 4) << "</text>";
        const double x = left + pw * i / 4;
        o << "<text x=\"" << x << "\" y=\"" << top + ph + 16 << "\" text-anchor=\"middle\" font-size=\"11\">" << fixed(t_max * i / 4) << "</text>";
    }
    o << "<text x=\"" << left + pw / 2 << "\" y=\"" << top + ph + 32 << "\" text-anchor=\"middle\" font-size=\"12\">seconds from each side's start</text>";
    o << "<text x=\"14\" y=\"" << top + ph / 2 << "\" transform=\"rotate(-90 14 " << top + ph / 2 << ")\" text-anchor=\"middle\" font-size=\"12\">Mbit/s (L2)</text>";
    for (std::size_t i = 0; i < series.size(); ++i) {
        const char* c = colours[(i / 2) % 8];
        o << "<polyline fill=\"none\" stroke=\"" << c << "\" stroke-width=\"2\"" << (series[i].dashed ? " stroke-dasharray=\"6 3\"" : "") << " points=\"";
        for (const auto& [t, y] : series[i].points) o << left + pw * t / t_max << "," << top + ph - ph * y / y_max << " ";
        o << "\"/>";
        const double ly = h + 20 * double(i) + 4;
        o << "<line x1=\"" << left << "\" x2=\"" << left + 30 << "\" y1=\"" << ly << "\" y2=\"" << ly << "\" stroke=\"" << c << "\" stroke-width=\"2\"" << (series[i].dashed ? " stroke-dasharray=\"6 3\"" : "") << "/>";
        o << "<text x=\"" << left + 36 << "\" y=\"" << ly + 4 << "\" font-size=\"12\">" << html_escape(series[i].label) << "</text>";
    }
    o << "</svg>";
    return o.str();
}

// The latency distribution: bars at min, p50, p90, p99, p99.9 and max, per pair and protocol.
std::string latency_svg(const json& report) {
    struct Group {
        std::string label;
        std::vector<double> us;
    };
    std::vector<Group> groups;
    const char* keys[] = {"min_ns", "p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns"};
    const char* names[] = {"min", "p50", "p90", "p99", "p99.9", "max"};
    double y_max = 1;
    for (const auto& p : report["pairs"]) {
        for (const auto& [proto, e] : p["protocols"].items()) {
            if (!e.contains("latency") || u64(e["latency"], "samples") == 0) continue;
            Group g{p.value("pair", "") + " " + proto + " (" + e.value("latency_measured", "") + ")", {}};
            for (const char* k : keys) {
                g.us.push_back(double(u64(e["latency"], k)) / 1000);
                y_max = std::max(y_max, g.us.back());
            }
            groups.push_back(std::move(g));
        }
    }
    std::ostringstream o;
    if (groups.empty()) {
        o << "<p class=\"none\">No latency was measured: across hosts with no shared clock, run the generator with "
             "--round-trip (and the sink with --reflect) or --request-response.</p>";
        return o.str();
    }
    const double w = 760, h = 300, left = 70, bottom = 40, top = 20;
    const double pw = w - left - 20, ph = h - top - bottom;
    const double slot = pw / double(std::size(keys));
    const double bar = slot * 0.8 / double(groups.size());
    o << "<svg class=\"chart\" id=\"latency\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << h + 20 * double(groups.size()) << "\">";
    o << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << pw << "\" height=\"" << ph << "\" fill=\"#fafafa\" stroke=\"#999\"/>";
    for (int i = 0; i <= 4; ++i) {
        const double y = top + ph - ph * i / 4;
        o << "<line x1=\"" << left << "\" x2=\"" << left + pw << "\" y1=\"" << y << "\" y2=\"" << y << "\" stroke=\"#ddd\"/>";
        o << "<text x=\"" << left - 6 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\" font-size=\"11\">" << fixed(y_max * i / 4) << "</text>";
    }
    o << "<text x=\"14\" y=\"" << top + ph / 2 << "\" transform=\"rotate(-90 14 " << top + ph / 2 << ")\" text-anchor=\"middle\" font-size=\"12\">microseconds</text>";
    for (std::size_t k = 0; k < std::size(keys); ++k) {
        o << "<text x=\"" << left + slot * (double(k) + 0.5) << "\" y=\"" << top + ph + 16 << "\" text-anchor=\"middle\" font-size=\"12\">" << names[k] << "</text>";
        for (std::size_t gi = 0; gi < groups.size(); ++gi) {
            const double v = groups[gi].us[k];
            const double x = left + slot * double(k) + slot * 0.1 + bar * double(gi);
            o << "<rect x=\"" << x << "\" y=\"" << top + ph - ph * v / y_max << "\" width=\"" << bar << "\" height=\"" << ph * v / y_max << "\" fill=\"" << colours[gi % 8] << "\"><title>" << fixed(v) + " us" << "</title></rect>";
        }
    }
    for (std::size_t gi = 0; gi < groups.size(); ++gi) {
        const double ly = h + 20 * double(gi) + 4;
        o << "<rect x=\"" << left << "\" y=\"" << ly - 6 << "\" width=\"12\" height=\"12\" fill=\"" << colours[gi % 8] << "\"/>";
        o << "<text x=\"" << left + 18 << "\" y=\"" << ly + 4 << "\" font-size=\"12\">" << html_escape(groups[gi].label) << "</text>";
    }
    o << "</svg>";
    return o.str();
}

}  // namespace

json build_report(const std::string& out_dir) {
    const json run = read_json(fs::path(out_dir) / "run.json");
    if (!run.is_object() || !run.contains("pairs")) {
        throw OrchError(exit_code::bad_input, "there is no run to report on in " + out_dir +
                                                  " (no run.json): give the --out directory of `trafficgen-orch run`");
    }
    json pairs = json::array();
    json total = json::object();
    json total_survival = json::object();
    for (const auto& r : run["pairs"]) {
        const std::string name = r.value("pair", "");
        json b = pair_block(name, fs::path(out_dir) / name, r);
        for (const auto& [p, e] : b["protocols"].items()) {
            json& t = total[p];
            for (const char* k : {"sent", "received", "lost", "lost_in_gaps", "lost_at_end_or_in_flight", "duplicates",
                                  "reordered", "unexpected", "bad_checksums"}) {
                t[k] = u64(t, k) + u64(e, k);
            }
            // Loss is a share of what was sent where a sink said what arrived.
            if (b["sink_report"].get<bool>()) t["sent_to_a_reporting_sink"] = u64(t, "sent_to_a_reporting_sink") + u64(e, "sent");
            t["rx_l2_bps"] = num(t, "rx_l2_bps") + num(e, "rx_l2_bps");
            t["rx_pps"] = num(t, "rx_pps") + num(e, "rx_pps");
            t["jitter_ns_max"] = std::max(u64(t, "jitter_ns_max"), u64(e, "jitter_ns_max"));
            if (e.contains("interruptions")) {
                t["interruptions"] = u64(t, "interruptions") + u64(e, "interruptions");
                t["lost_in_interruptions"] = u64(t, "lost_in_interruptions") + u64(e, "lost_in_interruptions");
                if (e.contains("longest_gap") &&
                    (!t.contains("longest_gap") || num(e["longest_gap"], "duration_ms") > num(t["longest_gap"], "duration_ms"))) {
                    t["longest_gap"] = e["longest_gap"];
                    t["longest_gap"]["pair"] = name;
                }
            }
        }
        if (b.contains("survival")) {
            for (const auto& [k, v] : b["survival"].items()) {
                json& t = total_survival[k];
                t["survived"] = u64(t, "survived") + u64(v, "survived");
                t["ended_by_peer_or_path"] = u64(t, "ended_by_peer_or_path") + u64(v, "ended_by_peer_or_path");
                if (!t.contains("longest_data_stop_ms") || num(v, "longest_data_stop_ms") > num(t, "longest_data_stop_ms")) {
                    t["longest_data_stop_ms"] = num(v, "longest_data_stop_ms");
                    t["longest_data_stop_pair"] = name;
                }
            }
        }
        pairs.push_back(std::move(b));
    }
    for (auto& [p, t] : total.items()) {
        const std::uint64_t measured = u64(t, "sent_to_a_reporting_sink");
        t["loss_percent"] = measured > 0 ? 100.0 * double(u64(t, "lost")) / double(measured) : 0.0;
    }
    json sum = {{"protocols", total}};
    const json searched = search_total(pairs);
    if (!searched.empty()) sum["search"] = searched;
    if (!total_survival.empty()) sum["survival"] = total_survival;
    return {{"schema", "trafficgen.orch.report"}, {"schema_version", 2}, {"pairs", pairs}, {"total", sum}};
}

// One line per protocol that was interrupted, and per kind of session: survived or not,
// and the longest time its data stopped.
std::string interruptions_text(const std::string& who, const json& block) {
    std::ostringstream o;
    char line[320];
    for (const auto& [proto, e] : block["protocols"].items()) {
        if (u64(e, "interruptions") == 0) continue;
        const json g = e.value("longest_gap", json::object());
        std::snprintf(line, sizeof line, "%s %s: %llu interruption(s), %llu packets lost in them; the longest %.1f ms from %s%s\n",
                      who.c_str(), proto.c_str(), static_cast<unsigned long long>(u64(e, "interruptions")),
                      static_cast<unsigned long long>(u64(e, "lost_in_interruptions")), num(g, "duration_ms"),
                      g.value("start", std::string("?")).c_str(),
                      g.contains("pair") ? (" (pair " + g["pair"].get<std::string>() + ")").c_str() : "");
        o << line;
    }
    if (block.contains("survival")) {
        for (const auto& [kind, v] : block["survival"].items()) {
            std::snprintf(line, sizeof line, "%s %s: %llu survived, %llu ended by the peer or the path; data stopped for %.0f ms at most\n",
                          who.c_str(), kind == "sctp_associations" ? "SCTP associations" : "TCP connections",
                          static_cast<unsigned long long>(u64(v, "survived")),
                          static_cast<unsigned long long>(u64(v, "ended_by_peer_or_path")), num(v, "longest_data_stop_ms"));
            o << line;
        }
    }
    return o.str();
}

std::string report_text(const json& report) {
    std::ostringstream o;
    char line[256];
    std::snprintf(line, sizeof line, "%-12s %-5s %12s %12s %10s %8s %11s %11s %10s %9s %9s %6s\n", "pair", "proto", "sent",
                  "received", "lost", "loss %", "rx Mbit/s", "rx pps", "jitter us", "p50 us", "p99 us", "csum");
    // A search alone has no run's rows: no header for them.
    if (std::any_of(report["pairs"].begin(), report["pairs"].end(),
                    [](const json& p) { return !p.contains("search"); })) {
        o << line;
    }
    auto row = [&](const std::string& pair, const std::string& p, const json& e) {
        const json lat = e.contains("latency") ? e["latency"] : json::object();
        const bool has = lat.is_object() && u64(lat, "samples") > 0;
        std::snprintf(line, sizeof line, "%-12s %-5s %12llu %12llu %10llu %8.3f %11.2f %11.0f %10.2f %9s %9s %6llu\n",
                      pair.c_str(), p.c_str(), static_cast<unsigned long long>(u64(e, "sent")),
                      static_cast<unsigned long long>(u64(e, "received")), static_cast<unsigned long long>(u64(e, "lost")),
                      num(e, "loss_percent"), num(e, "rx_l2_bps") / 1e6, num(e, "rx_pps"),
                      double(u64(e, "jitter_ns_max")) / 1000, has ? fixed(double(u64(lat, "p50_ns")) / 1000).c_str() : "-",
                      has ? fixed(double(u64(lat, "p99_ns")) / 1000).c_str() : "-",
                      static_cast<unsigned long long>(u64(e, "bad_checksums")));
        o << line;
    };
    for (const auto& p : report["pairs"]) {
        for (const auto& [proto, e] : p["protocols"].items()) row(p.value("pair", ""), proto, e);
    }
    if (report["pairs"].size() > 1) {
        for (const auto& [proto, e] : report["total"]["protocols"].items()) row("all pairs", proto, e);
    }
    if (report["pairs"].size() > 1) o << interruptions_text("all pairs", report["total"]);
    o << search_text(report);
    for (const auto& p : report["pairs"]) {
        const json& run = p["run"];
        if (run.value("exit_code", 0) != 0) o << p.value("pair", "") << ": " << run.value("error", "") << "\n";
        for (const auto& v : p["verdicts"]) o << p.value("pair", "") << ": " << v.get<std::string>() << "\n";
        o << interruptions_text(p.value("pair", ""), p);
        for (const auto& [proto, e] : p["protocols"].items()) {
            if (!e.contains("rate_error_percent")) continue;
            std::snprintf(line, sizeof line, "%s %s: target %.0f pps, at the sink %.0f pps: %+.2f %%\n",
                          p.value("pair", "").c_str(), proto.c_str(), num(e, "target_pps"), num(e, "received_pps"),
                          num(e, "rate_error_percent"));
            o << line;
        }
        if (p["streams"].empty()) continue;
        o << "\n" << p.value("pair", "") << ", per flow and stream:\n";
        std::snprintf(line, sizeof line, "  %-5s %6s %6s %12s %12s %10s %8s %10s %11s\n", "proto", "flow", "stream",
                      "sent", "received", "lost", "loss %", "jitter us", "rx pps");
        o << line;
        for (const auto& s : p["streams"]) {
            std::snprintf(line, sizeof line, "  %-5s %6llu %6llu %12llu %12llu %10llu %8.3f %10.2f %11.0f\n",
                          s.value("protocol", "").c_str(), static_cast<unsigned long long>(u64(s, "flow")),
                          static_cast<unsigned long long>(u64(s, "stream")), static_cast<unsigned long long>(u64(s, "sent")),
                          static_cast<unsigned long long>(u64(s, "received")), static_cast<unsigned long long>(u64(s, "lost")),
                          num(s, "loss_percent"), double(u64(s, "jitter_ns")) / 1000, num(s, "received_pps"));
            o << line;
        }
    }
    return o.str();
}

std::string report_html(const json& report) {
    std::ostringstream o;
    o << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>trafficgen report</title>"
         "<style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 20px}"
         "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#eee}td.l{text-align:left}"
         "h2{margin-top:28px}.none{color:#666}</style></head><body>\n<h1>trafficgen report</h1>\n";
    // A search alone has no run's figures: only its own section, and what went wrong.
    const bool runs = std::any_of(report["pairs"].begin(), report["pairs"].end(),
                                  [](const json& p) { return !p.contains("search"); });
    if (runs) o << "<h2>Results</h2><table><tr><th>pair</th><th>protocol</th><th>sent</th><th>received</th><th>lost</th><th>loss %</th>"
         "<th>rx Mbit/s</th><th>jitter us (max)</th><th>bad checksums</th></tr>\n";
    auto row = [&](const std::string& pair, const std::string& p, const json& e) {
        o << "<tr><td class=\"l\">" << html_escape(pair) << "</td><td class=\"l\">" << p << "</td><td>" << u64(e, "sent")
          << "</td><td>" << u64(e, "received") << "</td><td>" << u64(e, "lost") << "</td><td>" << fixed(num(e, "loss_percent"), 3)
          << "</td><td>" << fixed(num(e, "rx_l2_bps") / 1e6, 2) << "</td><td>" << fixed(double(u64(e, "jitter_ns_max")) / 1000, 2)
          << "</td><td>" << u64(e, "bad_checksums") << "</td></tr>\n";
    };
    for (const auto& p : report["pairs"]) {
        for (const auto& [proto, e] : p["protocols"].items()) row(p.value("pair", ""), proto, e);
    }
    for (const auto& [proto, e] : report["total"]["protocols"].items()) row("all pairs", proto, e);
    if (runs) o << "</table>\n";
    for (const auto& p : report["pairs"]) {
        const json& run = p["run"];
        if (run.value("exit_code", 0) != 0) o << "<p><b>" << html_escape(p.value("pair", "")) << "</b>: " << html_escape(run.value("error", "")) << "</p>\n";
        for (const auto& v : p["verdicts"]) o << "<p><b>" << html_escape(p.value("pair", "")) << "</b>: " << html_escape(v.get<std::string>()) << "</p>\n";
    }
    // Interruptions and session survival, per pair and over all pairs, as the text has them.
    std::string gaps;
    for (const auto& p : report["pairs"]) gaps += interruptions_text(p.value("pair", ""), p);
    if (report["pairs"].size() > 1) gaps += interruptions_text("all pairs", report["total"]);
    if (!gaps.empty()) {
        o << "<h2>Interruptions</h2>\n";
        std::istringstream lines(gaps);
        for (std::string line; std::getline(lines, line);) o << "<p>" << html_escape(line) << "</p>\n";
    }
    o << search_html(report);
    if (!runs) {
        o << "</body></html>\n";
        return o.str();
    }
    o << "<h2>Throughput over time</h2>\n" << throughput_svg(report) << "\n";
    o << "<h2>Latency distribution</h2>\n" << latency_svg(report) << "\n";
    o << "<h2>Per flow and stream</h2>\n";
    for (const auto& p : report["pairs"]) {
        o << "<h3>" << html_escape(p.value("pair", "")) << "</h3><table><tr><th>protocol</th><th>flow</th><th>stream</th><th>sent</th>"
             "<th>received</th><th>lost</th><th>loss %</th><th>jitter us</th></tr>\n";
        for (const auto& s : p["streams"]) {
            o << "<tr><td class=\"l\">" << s.value("protocol", "") << "</td><td>" << u64(s, "flow") << "</td><td>" << u64(s, "stream")
              << "</td><td>" << u64(s, "sent") << "</td><td>" << u64(s, "received") << "</td><td>" << u64(s, "lost") << "</td><td>"
              << fixed(num(s, "loss_percent"), 3) << "</td><td>" << fixed(double(u64(s, "jitter_ns")) / 1000, 2) << "</td></tr>\n";
        }
        o << "</table>\n";
    }
    o << "</body></html>\n";
    return o.str();
}

std::string write_reports(const std::string& out_dir) {
    const json r = build_report(out_dir);
    const std::string text = report_text(r);
    write_atomically((fs::path(out_dir) / "report.json").string(), r.dump(2) + "\n");
    write_atomically((fs::path(out_dir) / "report.txt").string(), text);
    write_atomically((fs::path(out_dir) / "report.html").string(), report_html(r));
    return text;
}

}  // namespace tg::orch
