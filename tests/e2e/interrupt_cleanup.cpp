#include "interrupt_cleanup.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstring>
#include <mutex>

namespace tg::e2e {

namespace {

// Fixed slots with lock-free atomics: a signal handler may read them at any moment.
constexpr std::size_t max_children = 64;
constexpr std::size_t max_labs = 8;
constexpr std::size_t id_size = 32;

std::array<std::atomic<pid_t>, max_children> children{};
struct LabSlot {
    std::atomic<bool> used{false};
    char id[id_size]{};
};
std::array<LabSlot, max_labs> labs;
char lab_script_path[4096]{};
std::atomic<bool> hugepages_reserved{false};
char hugepages_nr_path[256]{};
char hugepages_before[24]{};
char hugepages_mount[4096]{};

std::mutex started_mutex;
std::vector<pid_t> started;

void pause_ms(long ms) noexcept {
    timespec t{ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&t, &t) != 0) {
    }
}

// Only async-signal-safe calls from here on: kill, waitpid, nanosleep, fork, execv, _exit,
// open, write, close, and the umount2 system call.
void on_signal(int sig) {
    for (auto& c : children) {
        const pid_t p = c.load();
        if (p > 0) ::kill(-p, SIGTERM);
    }
    // A sink given SIGTERM writes its report and lets go of its interface: give it 5 s.
    for (int waited = 0; waited < 100; ++waited) {
        bool any = false;
        for (auto& c : children) {
            const pid_t p = c.load();
            if (p <= 0) continue;
            const pid_t r = ::waitpid(p, nullptr, WNOHANG);
            if (r == p || r < 0) c.store(0);
            else any = true;
        }
        if (!any) break;
        pause_ms(50);
    }
    for (auto& c : children) {
        const pid_t p = c.load();
        if (p <= 0) continue;
        ::kill(-p, SIGKILL);
        ::waitpid(p, nullptr, 0);
        c.store(0);
    }
    for (auto& l : labs) {
        if (!l.used.load()) continue;
        const pid_t p = ::fork();
        if (p == 0) {
            char down[] = "down";
            char* argv[] = {lab_script_path, down, l.id, nullptr};
            ::execv(lab_script_path, argv);
            ::_exit(127);
        }
        if (p > 0) ::waitpid(p, nullptr, 0);
        l.used.store(false);
    }
    if (hugepages_reserved.exchange(false)) {
        ::umount2(hugepages_mount, MNT_DETACH);
        const int fd = ::open(hugepages_nr_path, O_WRONLY);
        if (fd >= 0) {
            (void)::write(fd, hugepages_before, std::strlen(hugepages_before));
            ::close(fd);
        }
    }
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

}  // namespace

void install_interrupt_cleanup(const std::string& lab_script) {
    std::strncpy(lab_script_path, lab_script.c_str(), sizeof lab_script_path - 1);
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
}

void track_child(pid_t pid) noexcept {
    {
        std::lock_guard lock(started_mutex);
        started.push_back(pid);
    }
    for (auto& c : children) {
        pid_t empty = 0;
        if (c.compare_exchange_strong(empty, pid)) return;
    }
}

void untrack_child(pid_t pid) noexcept {
    for (auto& c : children) {
        pid_t p = pid;
        if (c.compare_exchange_strong(p, 0)) return;
    }
}

void track_lab(const std::string& id) noexcept {
    for (auto& l : labs) {
        if (l.used.load()) continue;
        std::strncpy(l.id, id.c_str(), id_size - 1);
        l.used.store(true);
        return;
    }
}

void untrack_lab(const std::string& id) noexcept {
    for (auto& l : labs) {
        if (l.used.load() && id == l.id) l.used.store(false);
    }
}

void track_hugepages(const std::string& nr_path, std::uint64_t before, const std::string& mount) noexcept {
    std::strncpy(hugepages_nr_path, nr_path.c_str(), sizeof hugepages_nr_path - 1);
    std::strncpy(hugepages_before, std::to_string(before).c_str(), sizeof hugepages_before - 1);
    std::strncpy(hugepages_mount, mount.c_str(), sizeof hugepages_mount - 1);
    hugepages_reserved.store(true);
}

void untrack_hugepages() noexcept { hugepages_reserved.store(false); }

std::vector<pid_t> every_child_started() {
    std::lock_guard lock(started_mutex);
    return started;
}

}  // namespace tg::e2e
