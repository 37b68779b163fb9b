// What the end-to-end suite created, kept where a signal handler can reach it: on SIGINT
// or SIGTERM the handler stops every child process it started (by process group), takes
// every lab it brought up down, gives back hugepages a test reserved, and then ends the
// suite with that signal. A suite killed
// with SIGKILL cannot do this; its children get SIGTERM from the kernel (parent-death
// signal) and its labs are removed by the next `scripts/lab clean`.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tg::e2e {

// Installs the handlers; `lab_script` is scripts/lab. Call once, before any test.
void install_interrupt_cleanup(const std::string& lab_script);

void track_child(pid_t pid) noexcept;
void untrack_child(pid_t pid) noexcept;
void track_lab(const std::string& id) noexcept;
// Hugepages a test reserved: on a signal, `nr_path` gets `before` back and the hugetlbfs
// at `mount` is detached, as the test's own clean-up would.
void track_hugepages(const std::string& nr_path, std::uint64_t before, const std::string& mount) noexcept;
void untrack_hugepages() noexcept;
void untrack_lab(const std::string& id) noexcept;

// Every child this process has started, alive or not, for the check that none is left.
[[nodiscard]] std::vector<pid_t> every_child_started();

}  // namespace tg::e2e
