#include "outputs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "report.hpp"

namespace tg::app {

namespace {

std::string reason(int err) { return std::strerror(err); }

// The whole of `data` to `fd`; false with errno set when the system refused.
bool write_all(int fd, const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace

void write_file_atomically(const std::string& path, const char* what, const std::string& content) {
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    const auto fail = [&](int err) {
        ::unlink(tmp.c_str());
        throw std::runtime_error(std::string("cannot write the ") + what + " to " + path + ": " + reason(err));
    };
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error(std::string("cannot write the ") + what + " to " + path + ": " + reason(errno));
    if (!write_all(fd, content) || ::fsync(fd) != 0) {
        const int err = errno;
        ::close(fd);
        fail(err);
    }
    if (::close(fd) != 0) fail(errno);
    if (::rename(tmp.c_str(), path.c_str()) != 0) fail(errno);
}

std::string why_not_writable(const std::string& path) {
    struct stat st{};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return "it is a directory";
    const std::string probe = path + ".tmp.check." + std::to_string(::getpid());
    const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return reason(errno);
    ::close(fd);
    ::unlink(probe.c_str());
    return {};
}

nlohmann::json error_report(const Options& o, int exit_code, const std::string& message) {
    return {{"schema", "trafficgen.report"},
            {"schema_version", report_schema_version},
            {"role", to_string(o.role)},
            {"settings", settings_json(o)},
            {"error", {{"exit_code", exit_code}, {"message", message}}}};
}

}  // namespace tg::app
