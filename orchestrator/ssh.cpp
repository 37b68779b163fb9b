#include "ssh.hpp"

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include <chrono>
#include <cmath>
#include <mutex>
#include <utility>

#include "orch_error.hpp"
#include "shell_quote.hpp"

namespace tg::orch {

namespace {

std::string where(const HostSpec& h) { return h.label + " (" + h.user + "@" + h.address + ":" + std::to_string(h.port) + ")"; }

void init_once() {
    static std::once_flag once;
    std::call_once(once, [] { ssh_init(); });
}

struct KeyHolder {
    ssh_key key = nullptr;
    ~KeyHolder() { ssh_key_free(key); }
};

}  // namespace

struct SshSession::Impl {
    ssh_session s = nullptr;
    ~Impl() {
        if (s != nullptr) {
            ssh_disconnect(s);
            ssh_free(s);
        }
    }
};

SshSession::SshSession(const HostSpec& host) : host_(host), impl_(std::make_unique<Impl>()) {
    init_once();
    impl_->s = ssh_new();
    if (impl_->s == nullptr) throw OrchError(exit_code::unreachable, "cannot make an SSH session for " + where(host));
    ssh_session s = impl_->s;
    const unsigned int port = host.port;
    const long timeout = std::max(1L, std::lround(host.connect_timeout_s));
    const int no = 0;
    // Nothing from ~/.ssh/config or the system's known hosts: the inventory says it all.
    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
    ssh_options_set(s, SSH_OPTIONS_HOST, host.address.c_str());
    ssh_options_set(s, SSH_OPTIONS_PORT, &port);
    ssh_options_set(s, SSH_OPTIONS_USER, host.user.c_str());
    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, host.known_hosts.c_str());
    ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);

    KeyHolder key;
    if (ssh_pki_import_privkey_file(host.key.c_str(), nullptr, nullptr, nullptr, &key.key) != SSH_OK) {
        throw OrchError(exit_code::bad_input, "cannot read the private key " + host.key + " for " + host.label +
                                                  ": give an unencrypted private key file (OpenSSH or PEM format)");
    }
    if (ssh_connect(s) != SSH_OK) {
        throw OrchError(exit_code::unreachable, "cannot reach " + where(host) + ": " + ssh_get_error(s));
    }
    switch (ssh_session_is_known_server(s)) {
        case SSH_KNOWN_HOSTS_OK:
            break;
        case SSH_KNOWN_HOSTS_CHANGED:
        case SSH_KNOWN_HOSTS_OTHER:
            throw OrchError(exit_code::unreachable,
                            "the host key of " + where(host) + " does not match the one in " + host.known_hosts +
                                ": refusing to connect (another machine may be answering at that address; if the "
                                "host was reinstalled, replace its line in that file)");
        case SSH_KNOWN_HOSTS_UNKNOWN:
        case SSH_KNOWN_HOSTS_NOT_FOUND:
            if (host.strict_host_keys) {
                throw OrchError(exit_code::unreachable,
                                where(host) + " is not in " + host.known_hosts +
                                    " and host keys are checked strictly: add its key (ssh-keyscan -p " +
                                    std::to_string(host.port) + " " + host.address + " >> " + host.known_hosts +
                                    ", after checking it) or set \"strict_host_keys\": false for it");
            }
            // Trust on first use, as the host asked: remembered for the next time.
            if (ssh_session_update_known_hosts(s) != SSH_OK) {
                throw OrchError(exit_code::output, "cannot add the key of " + where(host) + " to " + host.known_hosts +
                                                       ": " + ssh_get_error(s));
            }
            break;
        case SSH_KNOWN_HOSTS_ERROR:
        default:
            throw OrchError(exit_code::unreachable, "cannot check the host key of " + where(host) + " against " +
                                                        host.known_hosts + ": " + ssh_get_error(s));
    }
    if (ssh_userauth_publickey(s, nullptr, key.key) != SSH_AUTH_SUCCESS) {
        throw OrchError(exit_code::unreachable,
                        where(host) + " refused the key " + host.key + " for user " + host.user +
                            ": give a key whose public half is in that user's authorized_keys");
    }
}

SshSession::~SshSession() = default;

std::string CommandResult::failure() const {
    if (timed_out) return "it did not finish in time";
    if (!err.empty()) return err.substr(0, err.find('\n'));
    return "it ended with exit status " + std::to_string(exit_status);
}

void* SshSession::open_exec(const std::string& command, const std::string& what) {
    ssh_channel ch = ssh_channel_new(impl_->s);
    if (ch == nullptr || ssh_channel_open_session(ch) != SSH_OK || ssh_channel_request_exec(ch, command.c_str()) != SSH_OK) {
        const std::string why = ssh_get_error(impl_->s);
        if (ch != nullptr) ssh_channel_free(ch);
        throw OrchError(exit_code::unreachable, "lost " + where(host_) + " while starting " + what + ": " + why);
    }
    return ch;
}

CommandResult SshSession::run(const std::vector<std::string>& argv, double timeout_s, std::string_view input) {
    using Clock = std::chrono::steady_clock;
    CommandResult r;
    // The host's own `timeout` ends the program if we stop waiting (a channel closed
    // under a running program does not end it).
    std::vector<std::string> bounded = {"timeout", "--kill-after=2", std::to_string(std::lround(std::ceil(timeout_s)))};
    bounded.insert(bounded.end(), argv.begin(), argv.end());
    const std::string command = shell_command(bounded);

    auto ch = static_cast<ssh_channel>(open_exec(command, argv.front()));
    std::size_t written = 0;
    while (written < input.size()) {
        const int n = ssh_channel_write(ch, input.data() + written, static_cast<std::uint32_t>(input.size() - written));
        if (n <= 0) break;
        written += static_cast<std::size_t>(n);
    }
    ssh_channel_send_eof(ch);

    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s + 5));
    char buf[16384];
    bool failed = false;
    while (!ssh_channel_is_eof(ch)) {
        if (Clock::now() >= deadline) {
            r.timed_out = true;
            break;
        }
        const int n = ssh_channel_read_timeout(ch, buf, sizeof buf, 0, 50);
        if (n > 0) r.out.append(buf, static_cast<std::size_t>(n));
        const int m = ssh_channel_read_nonblocking(ch, buf, sizeof buf, 1);
        if (m > 0) r.err.append(buf, static_cast<std::size_t>(m));
        if (n == SSH_ERROR || m == SSH_ERROR) {
            failed = true;
            break;
        }
    }
    // What is left after the end of the data.
    for (int stream = 0; stream < 2 && !failed; ++stream) {
        for (int n; (n = ssh_channel_read_nonblocking(ch, buf, sizeof buf, stream)) > 0;) {
            (stream == 0 ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
        }
    }
    if (!r.timed_out && !failed) r.exit_status = ssh_channel_get_exit_status(ch);
    ssh_channel_close(ch);
    ssh_channel_free(ch);
    if (failed) throw OrchError(exit_code::unreachable, "lost " + where(host_) + " while running " + argv.front() + ": " + ssh_get_error(impl_->s));
    // `timeout` says 124 when it had to end the program.
    if (r.exit_status == 124 || r.exit_status == 137) r.timed_out = true;
    return r;
}

std::unique_ptr<RemoteProcess> SshSession::start(const std::vector<std::string>& argv, double limit_s) {
    // The shell says its pid, then becomes the program (exec keeps the pid), which the
    // host's `timeout` bounds.
    std::vector<std::string> wrapped = {"sh", "-c", "echo \"tg-orch-pid $$\"; exec \"$@\"", "sh",
                                        "timeout", "--kill-after=5", std::to_string(std::lround(std::ceil(limit_s)))};
    wrapped.insert(wrapped.end(), argv.begin(), argv.end());
    const std::string command = shell_command(wrapped);
    auto ch = static_cast<ssh_channel>(open_exec(command, argv.front()));
    ssh_channel_send_eof(ch);
    std::unique_ptr<RemoteProcess> p(new RemoteProcess(*this, ch));
    // The first line is the pid.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (p->pid_ == 0 && !p->ended_ && std::chrono::steady_clock::now() < deadline) {
        p->poll(50);
        if (!p->lines_.empty() && p->lines_.front().rfind("tg-orch-pid ", 0) == 0) {
            p->pid_ = std::stol(p->lines_.front().substr(12));
            p->lines_.erase(p->lines_.begin());
        }
    }
    if (p->pid_ == 0) {
        throw OrchError(exit_code::step_failed, host_.label + ": " + argv.front() + " did not start: " +
                                                    (p->err_.empty() ? std::string("no word from the host") : p->err_));
    }
    return p;
}

struct RemoteProcess::Callbacks {
    ssh_channel_callbacks_struct cb{};
};

RemoteProcess::RemoteProcess(SshSession& session, void* channel)
    : session_(session), channel_(channel), callbacks_(std::make_unique<Callbacks>()) {
    // A program killed by a signal has no exit status: its host says which signal.
    ssh_callbacks_init(&callbacks_->cb);
    callbacks_->cb.userdata = this;
    callbacks_->cb.channel_exit_signal_function = [](ssh_session, ssh_channel, const char* signal, int, const char*,
                                                     const char*, void* self) {
        static_cast<RemoteProcess*>(self)->killed_by_ = signal != nullptr ? signal : "";
    };
    ssh_set_channel_callbacks(static_cast<ssh_channel>(channel), &callbacks_->cb);
}

RemoteProcess::~RemoteProcess() {
    auto ch = static_cast<ssh_channel>(channel_);
    ssh_channel_close(ch);
    ssh_channel_free(ch);
}

bool RemoteProcess::poll(int wait_ms) {
    if (ended_) return false;
    auto ch = static_cast<ssh_channel>(channel_);
    char buf[16384];
    bool any = false;
    for (int stream = 0; stream < 2; ++stream) {
        for (int n; (n = ssh_channel_read_nonblocking(ch, buf, sizeof buf, stream)) > 0;) {
            (stream == 0 ? out_ : err_).append(buf, static_cast<std::size_t>(n));
            any = true;
        }
    }
    if (!any && !ssh_channel_is_eof(ch)) {
        const int n = ssh_channel_read_timeout(ch, buf, sizeof buf, 0, wait_ms);
        if (n > 0) out_.append(buf, static_cast<std::size_t>(n));
    }
    for (std::size_t nl; (nl = out_.find('\n')) != std::string::npos;) {
        lines_.push_back(out_.substr(0, nl));
        out_.erase(0, nl + 1);
    }
    if (ssh_channel_is_eof(ch) || !ssh_channel_is_open(ch)) {
        for (int stream = 0; stream < 2; ++stream) {
            for (int n; (n = ssh_channel_read_nonblocking(ch, buf, sizeof buf, stream)) > 0;) {
                (stream == 0 ? out_ : err_).append(buf, static_cast<std::size_t>(n));
            }
        }
        if (!out_.empty()) lines_.push_back(std::exchange(out_, {}));
        exit_status_ = ssh_channel_get_exit_status(ch);
        ended_ = true;
        return false;
    }
    return true;
}

std::vector<std::string> RemoteProcess::take_lines() { return std::exchange(lines_, {}); }

bool RemoteProcess::signal(const std::string& signal) {
    if (ended_ || pid_ <= 0) return false;
    try {
        return session_.run({"kill", "-s", signal, std::to_string(pid_)}, 10).ok();
    } catch (const OrchError&) {
        return false;
    }
}

CommandResult SshSession::run_script(std::string_view script, const std::vector<std::string>& args, double timeout_s) {
    std::vector<std::string> argv = {"sh", "-s", "--"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, timeout_s, script);
}

}  // namespace tg::orch
