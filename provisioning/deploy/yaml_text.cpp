#include "yaml_text.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>

namespace tg::deploy {

namespace {

// A plain scalar YAML 1.1 or 1.2 would read as a number, a boolean or null.
bool reads_as_other_type(const std::string& s) {
    if (s.empty()) return true;
    const char c = s.front();
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.') return true;
    std::string lower(s);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return char(std::tolower(ch)); });
    for (const char* word : {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"}) {
        if (lower == word) return true;
    }
    return false;
}

void emit(YAML::Emitter& out, const ordered_json& v) {
    switch (v.type()) {
        case ordered_json::value_t::object:
            if (v.empty()) {
                out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
                return;
            }
            out << YAML::BeginMap;
            for (const auto& [k, x] : v.items()) {
                out << YAML::Key << k << YAML::Value;
                emit(out, x);
            }
            out << YAML::EndMap;
            return;
        case ordered_json::value_t::array:
            if (v.empty()) {
                out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
                return;
            }
            // A command (argv) or a short list of names reads best on one line.
            if (std::all_of(v.begin(), v.end(), [](const ordered_json& x) { return x.is_primitive(); })) out << YAML::Flow;
            out << YAML::BeginSeq;
            for (const auto& x : v) emit(out, x);
            out << YAML::EndSeq;
            return;
        case ordered_json::value_t::string: {
            const auto& s = v.get_ref<const std::string&>();
            if (s.find('\n') != std::string::npos) out << YAML::Literal << s;
            else if (reads_as_other_type(s)) out << YAML::DoubleQuoted << s;
            else out << s;
            return;
        }
        case ordered_json::value_t::boolean: out << YAML::TrueFalseBool << v.get<bool>(); return;
        case ordered_json::value_t::number_integer: out << v.get<long long>(); return;
        case ordered_json::value_t::number_unsigned: out << v.get<unsigned long long>(); return;
        case ordered_json::value_t::number_float: out << v.get<double>(); return;
        default: out << YAML::Null; return;
    }
}

}  // namespace

std::string to_yaml(const ordered_json& doc) {
    YAML::Emitter out;
    out.SetIndent(2);
    emit(out, doc);
    std::string text = out.c_str();
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text + "\n";
}

std::string to_yaml_stream(const std::vector<ordered_json>& docs) {
    std::string text;
    for (const auto& d : docs) text += "---\n" + to_yaml(d);
    return text;
}

}  // namespace tg::deploy
