#include "fake_sysfs.hpp"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace tg::e2e {

namespace {

std::string read_trimmed(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    std::string v = s.str();
    while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.pop_back();
    return v;
}

void write_file(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::trunc) << text; }

}  // namespace

FakeSysfs::FakeSysfs(std::string root) : root_(std::move(root)) {
    fs::create_directories(fs::path(root_) / "bus/pci/devices");
    fs::create_directories(fs::path(root_) / "bus/pci/drivers");
    fs::create_directories(fs::path(root_) / "class/net");
    write_file(fs::path(root_) / "bus/pci/drivers_probe", "");
}

FakeSysfs::~FakeSysfs() {
    if (thread_.joinable()) {
        (void)::write(stop_pipe_[1], "x", 1);
        thread_.join();
    }
    for (int fd : {inotify_, stop_pipe_[0], stop_pipe_[1]}) {
        if (fd >= 0) ::close(fd);
    }
}

void FakeSysfs::add_driver(const std::string& name, bool netdev) {
    const fs::path d = fs::path(root_) / "bus/pci/drivers" / name;
    fs::create_directories(d);
    write_file(d / "bind", "");
    write_file(d / "unbind", "");
    drivers_[name] = netdev;
}

void FakeSysfs::add_device(const std::string& pci, const std::string& driver, const std::string& iface) {
    const fs::path d = fs::path(root_) / "bus/pci/devices" / pci;
    fs::create_directories(d);
    write_file(d / "driver_override", "(null)\n");
    write_file(d / "vendor", "0x8086\n");
    write_file(d / "device", "0x10ed\n");
    write_file(d / "numa_node", "-1\n");
    if (!iface.empty()) ifaces_[pci] = iface;
    bind(pci, driver);
}

void FakeSysfs::set_file(const std::string& rel, const std::string& content) {
    const fs::path p = fs::path(root_) / rel;
    fs::create_directories(p.parent_path());
    write_file(p, content);
}

std::string FakeSysfs::file(const std::string& rel) const { return read_trimmed(fs::path(root_) / rel); }

void FakeSysfs::refuse(const std::string& pci, const std::string& driver) { refused_.insert({pci, driver}); }

void FakeSysfs::bind(const std::string& pci, const std::string& driver) {
    const fs::path dev = fs::path(root_) / "bus/pci/devices" / pci;
    if (refused_.count({pci, driver}) != 0 || fs::is_symlink(dev / "driver")) return;
    fs::create_directory_symlink(fs::path("../../drivers") / driver, dev / "driver");
    const auto it = ifaces_.find(pci);
    if (it != ifaces_.end() && drivers_[driver]) {
        // As the kernel lays it out: class/net/IF -> the device's net/IF, whose `device`
        // is the PCI device.
        fs::create_directories(dev / "net" / it->second);
        fs::create_directory_symlink("../..", dev / "net" / it->second / "device");
        fs::create_directory_symlink(fs::path("../../bus/pci/devices") / pci / "net" / it->second,
                                     fs::path(root_) / "class/net" / it->second);
    }
}

void FakeSysfs::unbind(const std::string& pci) {
    const fs::path dev = fs::path(root_) / "bus/pci/devices" / pci;
    fs::remove(dev / "driver");
    fs::remove_all(dev / "net");
    const auto it = ifaces_.find(pci);
    if (it != ifaces_.end()) fs::remove(fs::path(root_) / "class/net" / it->second);
}

void FakeSysfs::start() {
    inotify_ = ::inotify_init1(IN_CLOEXEC);
    if (inotify_ < 0 || ::pipe(stop_pipe_) != 0) throw std::runtime_error("fake sysfs: no inotify");
    auto watch = [&](const std::string& rel) {
        const int wd = ::inotify_add_watch(inotify_, (fs::path(root_) / rel).c_str(), IN_CLOSE_WRITE);
        if (wd < 0) throw std::runtime_error("fake sysfs: cannot watch " + rel);
        watches_[wd] = rel;
    };
    watch("bus/pci");
    for (const auto& [name, netdev] : drivers_) watch("bus/pci/drivers/" + name);
    for (const auto& e : fs::directory_iterator(fs::path(root_) / "bus/pci/devices")) {
        watch("bus/pci/devices/" + e.path().filename().string());
    }
    thread_ = std::thread([this] { run(); });
}

void FakeSysfs::run() {
    alignas(inotify_event) char buf[8192];
    for (;;) {
        pollfd fds[2] = {{inotify_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) continue;
        if ((fds[1].revents & POLLIN) != 0) return;
        const ssize_t n = ::read(inotify_, buf, sizeof buf);
        for (ssize_t at = 0; at < n;) {
            const auto* ev = reinterpret_cast<const inotify_event*>(buf + at);
            at += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
            if (ev->len == 0) continue;
            handle(watches_[ev->wd] + "/" + ev->name);
        }
    }
}

void FakeSysfs::handle(const std::string& rel) {
    const fs::path file = fs::path(root_) / rel;
    const std::string name = file.filename().string();
    if (name != "bind" && name != "unbind" && name != "drivers_probe" && name != "driver_override") return;
    const std::string value = read_trimmed(file);
    // The kernel's own reset of bind, unbind and drivers_probe after acting.
    if (value.empty() && name != "driver_override") return;
    std::lock_guard lock(mutex_);
    writes_.push_back(rel + " <- " + value);
    if (name == "driver_override") return;
    const std::string driver = file.parent_path().filename().string();
    if (name == "unbind") unbind(value);
    else if (name == "bind") bind(value, driver);
    else {  // drivers_probe: the driver the override names, else the one that matches
        const std::string o = read_trimmed(fs::path(root_) / "bus/pci/devices" / value / "driver_override");
        for (const auto& [d, netdev] : drivers_) {
            if ((o.empty() || o == "(null)") ? netdev : d == o) {
                bind(value, d);
                break;
            }
        }
    }
    write_file(file, "");
}

std::vector<std::string> FakeSysfs::writes() const {
    std::lock_guard lock(mutex_);
    return writes_;
}

void FakeSysfs::clear_writes() {
    std::lock_guard lock(mutex_);
    writes_.clear();
}

std::string FakeSysfs::driver_of(const std::string& pci) const {
    const fs::path link = fs::path(root_) / "bus/pci/devices" / pci / "driver";
    return fs::is_symlink(link) ? fs::read_symlink(link).filename().string() : "";
}

std::string FakeSysfs::override_of(const std::string& pci) const {
    return read_trimmed(fs::path(root_) / "bus/pci/devices" / pci / "driver_override");
}

bool FakeSysfs::has_interface(const std::string& iface) const {
    return fs::is_symlink(fs::path(root_) / "class/net" / iface);
}

}  // namespace tg::e2e
