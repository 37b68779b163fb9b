#include "traffic/transactions.hpp"

#include <algorithm>

namespace tg::traffic {

Transactions::Transactions(std::size_t sessions, const TransactionSpec& spec) : spec_(spec), slots_(sessions) {}

void Transactions::start(std::size_t session, std::uint64_t now_ns, std::uint64_t complete_at) noexcept {
    Slot& s = slots_[session];
    s.busy = true;
    ++s.seq;
    s.sent_ns = now_ns;
    s.complete_at = complete_at;
    if (started_++ == 0) first_ns_ = now_ns;
    if (spec_.timeout_ns != 0) oldest_due_ns_ = std::min(oldest_due_ns_, now_ns + spec_.timeout_ns);
}

void Transactions::complete(std::size_t session, std::uint64_t now_ns) noexcept {
    Slot& s = slots_[session];
    if (!s.busy) return;
    s.busy = false;
    latency_.record(now_ns > s.sent_ns ? now_ns - s.sent_ns : 0);
    ++completed_;
    last_ns_ = std::max(last_ns_, now_ns);
}

bool Transactions::answer(std::size_t session, std::uint32_t seq, std::uint64_t now_ns) noexcept {
    if (session >= slots_.size()) return false;
    Slot& s = slots_[session];
    if (s.busy && seq == s.seq - 1) {
        complete(session, now_ns);
        return true;
    }
    // An answer to an earlier request of this session: it was counted lost.
    if (static_cast<std::int32_t>(seq - s.seq) < 0 && started_ > 0) {
        ++late_;
        return true;
    }
    return false;
}

void Transactions::abandon(std::size_t session) noexcept {
    Slot& s = slots_[session];
    if (!s.busy) return;
    s.busy = false;
    ++lost_;
}

void Transactions::expire(std::uint64_t now_ns) noexcept {
    if (spec_.timeout_ns == 0 || now_ns < oldest_due_ns_) return;
    oldest_due_ns_ = ~std::uint64_t{0};
    for (Slot& s : slots_) {
        if (!s.busy) continue;
        if (now_ns - s.sent_ns >= spec_.timeout_ns) {
            s.busy = false;
            ++lost_;
        } else {
            oldest_due_ns_ = std::min(oldest_due_ns_, s.sent_ns + spec_.timeout_ns);
        }
    }
}

TransactionTotals Transactions::totals() const noexcept {
    TransactionTotals t;
    t.started = started_;
    t.completed = completed_;
    t.lost = lost_;
    t.late = late_;
    t.outstanding = static_cast<std::uint64_t>(std::count_if(slots_.begin(), slots_.end(), [](const Slot& s) { return s.busy; }));
    t.first_ns = first_ns_;
    t.last_ns = last_ns_;
    return t;
}

}  // namespace tg::traffic
