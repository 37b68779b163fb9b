// A sysfs tree a test builds, with a kernel of its own: PCI devices bound to drivers,
// and a thread that acts, as the kernel does, on what is written to a driver's bind and
// unbind, to drivers_probe and to a device's driver_override, keeping the writes in the
// order they came (inotify). A netdev driver's device has an interface in class/net,
// which goes when the device leaves that driver and comes back with it.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace tg::e2e {

class FakeSysfs {
public:
    explicit FakeSysfs(std::string root);
    ~FakeSysfs();
    FakeSysfs(const FakeSysfs&) = delete;
    FakeSysfs& operator=(const FakeSysfs&) = delete;

    // A driver the tree knows; a netdev driver gives its devices an interface.
    void add_driver(const std::string& name, bool netdev);
    // A device bound to `driver`, with interface `iface` if the driver is a netdev's.
    void add_device(const std::string& pci, const std::string& driver, const std::string& iface = "");
    // The kernel ignores binds of `pci` to `driver` (a driver that will not take it).
    void refuse(const std::string& pci, const std::string& driver);
    // A plain file of the tree (hugepages, module parameters), as the kernel shows it.
    void set_file(const std::string& rel, const std::string& content);
    [[nodiscard]] std::string file(const std::string& rel) const;
    // Starts the kernel thread; once the tree is made.
    void start();

    [[nodiscard]] const std::string& root() const noexcept { return root_; }
    // "bus/pci/drivers/ixgbevf/unbind <- 0000:03:00.0", in order.
    [[nodiscard]] std::vector<std::string> writes() const;
    void clear_writes();
    [[nodiscard]] std::string driver_of(const std::string& pci) const;
    [[nodiscard]] std::string override_of(const std::string& pci) const;
    [[nodiscard]] bool has_interface(const std::string& iface) const;

private:
    void run();
    void handle(const std::string& rel);
    void bind(const std::string& pci, const std::string& driver);
    void unbind(const std::string& pci);

    std::string root_;
    std::map<std::string, bool> drivers_;         // name -> netdev
    std::map<std::string, std::string> ifaces_;   // pci -> interface
    std::set<std::pair<std::string, std::string>> refused_;
    mutable std::mutex mutex_;
    std::vector<std::string> writes_;
    std::thread thread_;
    int inotify_ = -1;
    int stop_pipe_[2] = {-1, -1};
    std::map<int, std::string> watches_;  // watch descriptor -> directory, relative
};

}  // namespace tg::e2e
