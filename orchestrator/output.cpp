#include "output.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "orch_error.hpp"

namespace tg::orch {

void write_atomically(const std::string& path, const std::string& content) {
    const std::string tmp = path + ".tmp" + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::trunc | std::ios::binary);
        out << content;
        out.flush();
        if (!out) {
            std::remove(tmp.c_str());
            throw OrchError(exit_code::output, "cannot write " + path + ": give a path in a writable directory");
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        throw OrchError(exit_code::output, "cannot write " + path + ": give a path in a writable directory");
    }
}

double num(const nlohmann::json& j, const char* k) {
    return j.is_object() && j.contains(k) && j[k].is_number() ? j[k].get<double>() : 0.0;
}

std::string fixed(double v, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

std::string html_escape(const std::string& s) {
    std::string o;
    for (char c : s) {
        switch (c) {
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '&': o += "&amp;"; break;
            case '"': o += "&quot;"; break;
            default: o += c;
        }
    }
    return o;
}

}  // namespace tg::orch
