#include "transaction_checks.hpp"

#include <stdexcept>

namespace tg::e2e {

const nlohmann::json& transactions_of(const nlohmann::json& report) {
    static const nlohmann::json none = nlohmann::json::object();
    return report.contains("generator") && report["generator"].contains("request_response")
               ? report["generator"]["request_response"]
               : none;
}

void expect_every_transaction_done(const nlohmann::json& t, std::uint64_t n) {
    EXPECT_EQ(t.value("requests_sent", 0u), n) << t.dump();
    EXPECT_EQ(t.value("transactions", 0u), n);
    EXPECT_EQ(t.value("lost", 1u), 0u);
    EXPECT_EQ(t.value("unanswered_at_end", 1u), 0u);
    EXPECT_EQ(t.value("verdict", "x"), "");
    EXPECT_GT(t.value("per_second", 0.0), 0.0);
    const auto& l = t["latency"];
    EXPECT_TRUE(l.value("valid", false)) << l.dump();
    EXPECT_EQ(l.value("samples", 0u), n);
    EXPECT_GT(l.value("min_ns", 0u), 0u);
    EXPECT_LE(l.value("min_ns", 0u), l.value("p50_ns", 0u));
    EXPECT_LE(l.value("p50_ns", 0u), l.value("p99_ns", 0u));
    EXPECT_LE(l.value("p99_ns", 0u), l.value("max_ns", 0u));
}

std::unique_ptr<Child> kernel_echo_server(const Lab& lab, const TempDir& dir) {
    kernel_owns(lab, LabSide::sink);
    kernel_sends_plain_frames(lab, LabSide::sink);
    auto echo = std::make_unique<Child>(in_ns(lab["TG_SINK_NS"], {tool_path("TG_TCP_PEER"), "echo", "5201", "90"}),
                                        dir / "tcp_peer");
    if (!echo->wait_for_output("ready", 10)) throw std::runtime_error("the kernel echo server did not start: " + echo->err());
    return echo;
}

}  // namespace tg::e2e
