#include "search_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <vector>

#include "output.hpp"

namespace tg::orch {

namespace {

using nlohmann::json;


std::string size_name(const json& s) {
    const json& f = s.contains("frame_size") ? s["frame_size"] : json();
    return f.is_string() ? f.get<std::string>() : f.is_number() ? std::to_string(f.get<long long>()) : "?";
}

// A round step for about `ticks` ticks up to `max`: 1, 2 or 5 times a power of ten.
double round_step(double max, int ticks) {
    const double raw = max / ticks;
    const double p = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        if (m * p >= raw) return m * p;
    }
    return 10 * p;
}

const char* const colours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"};

}  // namespace

json search_block(const json& search) {
    json b = {{"protocol", search.value("protocol", "")},
              {"ended_by", search.value("ended_by", "")},
              {"counted_by", search.value("counted_by", "")}};
    if (search.contains("far_sink")) b["far_sink"] = search["far_sink"];
    json sizes = json::array();
    for (const auto& s : search.value("sizes", json::array())) {
        json out = {{"frame_size", s.contains("frame_size") ? s["frame_size"] : json()},
                    {"trials", s.value("trials", json::array()).size()},
                    {"forwarding_rate_pps", num(s, "forwarding_rate_pps")}};
        json results = json::array();
        for (const auto& r : s.value("results", json::array())) {
            json e = {{"name", r.value("name", "")},
                      {"loss_ratio", num(r, "loss_ratio")},
                      {"found", r.value("found", false)},
                      {"at_max", r.value("at_max", false)}};
            if (e["found"].get<bool>()) {
                e["rate_pps"] = num(r, "rate_pps");
                e["l1_bps"] = num(r, "l1_bps");
                e["loss_at_rate"] = num(r, "loss_at_rate");
                if (r.contains("link_percent")) e["link_percent"] = num(r, "link_percent");
            } else {
                e["min_rate_pps"] = num(s, "min_rate_pps");
            }
            results.push_back(e);
        }
        out["results"] = results;
        sizes.push_back(out);
    }
    b["sizes"] = sizes;
    return b;
}

json search_total(const json& pairs) {
    // Keyed by frame size and ratio, in the order first seen.
    std::vector<std::pair<std::string, std::string>> order;
    std::map<std::pair<std::string, std::string>, json> rows;
    for (const auto& p : pairs) {
        if (!p.contains("search")) continue;
        for (const auto& s : p["search"]["sizes"]) {
            for (const auto& r : s["results"]) {
                const auto key = std::make_pair(size_name(s), r.value("name", ""));
                if (rows.count(key) == 0) {
                    order.push_back(key);
                    rows[key] = {{"frame_size", s["frame_size"]}, {"name", key.second}, {"pairs", 0}, {"pairs_found", 0},
                                 {"rate_pps", 0.0}, {"l1_bps", 0.0}};
                }
                json& t = rows[key];
                t["pairs"] = t["pairs"].get<int>() + 1;
                if (!r.value("found", false)) continue;
                t["pairs_found"] = t["pairs_found"].get<int>() + 1;
                t["rate_pps"] = num(t, "rate_pps") + num(r, "rate_pps");
                t["l1_bps"] = num(t, "l1_bps") + num(r, "l1_bps");
            }
        }
    }
    json out = json::array();
    for (const auto& k : order) out.push_back(rows[k]);
    return out;
}

std::string search_text(const json& report) {
    std::ostringstream o;
    bool any = false;
    char line[320];
    for (const auto& p : report["pairs"]) {
        if (!p.contains("search")) continue;
        if (!any) {
            std::snprintf(line, sizeof line, "%-12s %-6s %-8s %-10s %14s %12s %8s %7s\n", "pair", "proto", "size", "ratio",
                          "rate pps", "L1 Mbit/s", "% link", "trials");
            o << line;
            any = true;
        }
        const json& b = p["search"];
        for (const auto& s : b["sizes"]) {
            for (const auto& r : s["results"]) {
                if (!r.value("found", false)) {
                    std::snprintf(line, sizeof line, "%-12s %-6s %-8s %-10s %14s  not found above %.0f pps\n",
                                  p.value("pair", "").c_str(), b.value("protocol", "").c_str(), size_name(s).c_str(),
                                  r.value("name", "").c_str(), "-", num(r, "min_rate_pps"));
                } else {
                    std::snprintf(line, sizeof line, "%-12s %-6s %-8s %-10s %14.0f %12.3f %8s %7llu%s\n",
                                  p.value("pair", "").c_str(), b.value("protocol", "").c_str(), size_name(s).c_str(),
                                  r.value("name", "").c_str(), num(r, "rate_pps"), num(r, "l1_bps") / 1e6,
                                  r.contains("link_percent") ? (fixed(num(r, "link_percent"), 1) + "%").c_str() : "-",
                                  static_cast<unsigned long long>(s.value("trials", 0ull)),
                                  r.value("at_max", false) ? "  (the maximum)" : "");
                }
                o << line;
            }
        }
        o << p.value("pair", "") << ": the search ended by " << b.value("ended_by", "?") << "; counted by "
          << b.value("counted_by", "?");
        if (b.contains("far_sink")) {
            o << " (" << b["far_sink"].value("count_requests", 0) << " count requests, "
              << b["far_sink"].value("unanswered", 0) << " unanswered)";
        }
        o << "\n";
    }
    const json& total = report["total"].value("search", json::array());
    if (any && report["pairs"].size() > 1) {
        for (const auto& t : total) {
            std::snprintf(line, sizeof line, "%-12s %-6s %-8s %-10s %14.0f %12.3f  found on %d of %d pairs\n", "all pairs",
                          "", size_name(t).c_str(), t.value("name", "").c_str(), num(t, "rate_pps"),
                          num(t, "l1_bps") / 1e6, t.value("pairs_found", 0), t.value("pairs", 0));
            o << line;
        }
    }
    return o.str();
}

std::string search_html(const json& report) {
    struct Bar {
        std::size_t series;
        double bps, pps, link;
    };
    std::vector<std::string> sizes, series;
    std::map<std::pair<std::string, std::size_t>, Bar> bars;  // (size, series)
    std::ostringstream table;
    double y_max = 0;
    for (const auto& p : report["pairs"]) {
        if (!p.contains("search")) continue;
        for (const auto& s : p["search"]["sizes"]) {
            const std::string size = size_name(s);
            if (std::find(sizes.begin(), sizes.end(), size) == sizes.end()) sizes.push_back(size);
            for (const auto& r : s["results"]) {
                const std::string label = p.value("pair", "") + " " + r.value("name", "");
                auto it = std::find(series.begin(), series.end(), label);
                const auto si = static_cast<std::size_t>(it - series.begin());
                if (it == series.end()) series.push_back(label);
                table << "<tr><td class=\"l\">" << html_escape(p.value("pair", "")) << "</td><td class=\"l\">" << html_escape(size)
                      << "</td><td class=\"l\">" << html_escape(r.value("name", "")) << "</td>";
                if (!r.value("found", false)) {
                    table << "<td colspan=\"3\" class=\"l\">not found above " << fixed(num(r, "min_rate_pps"), 0)
                          << " pps</td></tr>\n";
                    continue;
                }
                table << "<td>" << fixed(num(r, "rate_pps"), 0) << "</td><td>" << fixed(num(r, "l1_bps") / 1e6, 3)
                      << "</td><td>" << (r.contains("link_percent") ? fixed(num(r, "link_percent"), 1) : "-")
                      << "</td></tr>\n";
                bars[{size, si}] = {si, num(r, "l1_bps"), num(r, "rate_pps"), num(r, "link_percent")};
                y_max = std::max(y_max, num(r, "l1_bps"));
            }
        }
    }
    if (sizes.empty()) return "";
    std::ostringstream o;
    o << "<h2>Throughput search</h2>\n<table><tr><th>pair</th><th>frame size</th><th>ratio</th><th>rate pps</th>"
         "<th>L1 Mbit/s</th><th>% link</th></tr>\n"
      << table.str() << "</table>\n";
    // The chart: at each frame size a bar per pair and ratio, L1 bit/s on a round scale.
    const bool giga = y_max >= 1e9;
    const double unit = giga ? 1e9 : 1e6;
    const double step = round_step(std::max(y_max / unit, 1e-3), 5);
    const double top_value = std::max(step, std::ceil(y_max / unit / step) * step);
    const double w = 900, h = 320, left = 70, right = 20, top = 20, bottom = 44;
    const double pw = w - left - right, ph = h - top - bottom;
    const double slot = pw / double(sizes.size());
    const double bar = slot * 0.8 / double(series.size());
    o << "<svg class=\"chart\" id=\"search\" xmlns=\"http://www.w3.org/2000/svg\" width=\"100%\" viewBox=\"0 0 " << w << " "
      << h + 20 * double(series.size()) << "\">";
    o << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << pw << "\" height=\"" << ph
      << "\" fill=\"#fafafa\" stroke=\"#999\"/>";
    for (double v = 0; v <= top_value + step / 2; v += step) {
        const double y = top + ph - ph * v / top_value;
        o << "<line x1=\"" << left << "\" x2=\"" << left + pw << "\" y1=\"" << y << "\" y2=\"" << y << "\" stroke=\"#ddd\"/>";
        o << "<text x=\"" << left - 6 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\" font-size=\"11\">"
          << fixed(v, step < 1 ? std::max(0, int(std::ceil(-std::log10(step)))) : 0) << "</text>";
    }
    o << "<text x=\"14\" y=\"" << top + ph / 2 << "\" transform=\"rotate(-90 14 " << top + ph / 2
      << ")\" text-anchor=\"middle\" font-size=\"12\">" << (giga ? "Gbit/s" : "Mbit/s") << " (L1)</text>";
    o << "<text x=\"" << left + pw / 2 << "\" y=\"" << top + ph + 36
      << "\" text-anchor=\"middle\" font-size=\"12\">frame size (bytes, with FCS)</text>";
    for (std::size_t k = 0; k < sizes.size(); ++k) {
        o << "<text x=\"" << left + slot * (double(k) + 0.5) << "\" y=\"" << top + ph + 16
          << "\" text-anchor=\"middle\" font-size=\"12\">" << html_escape(sizes[k]) << "</text>";
        for (std::size_t si = 0; si < series.size(); ++si) {
            const auto it = bars.find({sizes[k], si});
            if (it == bars.end()) continue;
            const Bar& b = it->second;
            const double bh = ph * (b.bps / unit) / top_value;
            const double x = left + slot * double(k) + slot * 0.1 + bar * double(si);
            o << "<rect class=\"bar\" x=\"" << x << "\" y=\"" << top + ph - bh << "\" width=\"" << bar * 0.92
              << "\" height=\"" << bh << "\" fill=\"" << colours[si % 8] << "\"><title>" << html_escape(series[si]) << " at "
              << html_escape(sizes[k]) << " bytes: " << fixed(b.pps, 0) << " pps, " << fixed(b.bps / unit, 3)
              << (giga ? " Gbit/s" : " Mbit/s") << (b.link > 0 ? ", " + fixed(b.link, 1) + " % of the link" : "")
              << "</title></rect>";
        }
    }
    for (std::size_t si = 0; si < series.size(); ++si) {
        const double ly = h + 20 * double(si) + 4;
        o << "<rect x=\"" << left << "\" y=\"" << ly - 6 << "\" width=\"12\" height=\"12\" fill=\"" << colours[si % 8] << "\"/>";
        o << "<text x=\"" << left + 18 << "\" y=\"" << ly + 4 << "\" font-size=\"12\">" << html_escape(series[si]) << "</text>";
    }
    o << "</svg>\n";
    return o.str();
}

}  // namespace tg::orch
