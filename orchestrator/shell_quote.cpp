#include "shell_quote.hpp"

namespace tg::orch {

std::string shell_quote(std::string_view arg) {
    std::string out;
    out.reserve(arg.size() + 2);
    out += '\'';
    for (const char c : arg) {
        // A quote ends the quoted run, is escaped alone, and a new run starts.
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    out += '\'';
    return out;
}

std::string shell_command(const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& a : argv) {
        if (!out.empty()) out += ' ';
        out += shell_quote(a);
    }
    return out;
}

}  // namespace tg::orch
