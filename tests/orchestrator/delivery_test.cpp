// Loss counted against what was sent (lib/report/delivery): a protocol the path dropped
// entirely is 100 % lost with a sentence naming it; the tail after the last frame
// received is loss the sink's gaps cannot see; duplicates are not deliveries; a closed
// loop's resends are not sent twice.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report/delivery.hpp"

namespace tg::report {
namespace {

using nlohmann::json;

TEST(Delivery, AProtocolTheSinkNeverSawIsAllLostAndNamed) {
    const json gen = {{"protocols", {{"udp", {{"packets", 1000}}}, {"sctp", {{"packets", 4986}}}}}};
    const json sink = {{"protocols", {{"udp", {{"packets", 1000}, {"lost", 0}}}}}};
    const json d = delivery_json(gen, sink);
    EXPECT_EQ(d["protocols"]["sctp"]["sent"], 4986u);
    EXPECT_EQ(d["protocols"]["sctp"]["received"], 0u);
    EXPECT_EQ(d["protocols"]["sctp"]["lost"], 4986u);
    EXPECT_DOUBLE_EQ(d["protocols"]["sctp"]["loss_percent"].get<double>(), 100.0);
    EXPECT_EQ(d["protocols"]["udp"]["lost"], 0u);
    ASSERT_EQ(d["verdicts"].size(), 1u);
    EXPECT_EQ(d["verdicts"][0], "sctp: 4986 sent and none received: 100 % lost, the path dropped all of it");
}

TEST(Delivery, TheTailAfterTheLastArrivalIsLostBesideTheGaps) {
    // 100 sent; the sink got 90 distinct frames and 2 duplicates, and saw 3 holes: the
    // other 7 came after the last one it received.
    const Delivery d = deliver(100, {{"packets", 92}, {"duplicates", 2}, {"lost", 3}, {"reordered", 1}});
    EXPECT_EQ(d.received, 90u);
    EXPECT_EQ(d.lost, 10u);
    EXPECT_EQ(d.gaps, 3u);
    EXPECT_EQ(d.tail, 7u);
    EXPECT_EQ(d.duplicates, 2u);
    EXPECT_DOUBLE_EQ(d.loss_percent(), 10.0);
    // More distinct frames than were sent: counted apart, never a negative loss.
    const Delivery extra = deliver(10, {{"packets", 12}});
    EXPECT_EQ(extra.lost, 0u);
    EXPECT_EQ(extra.unexpected, 2u);
}

TEST(Delivery, ASilentStreamIsNamedAndAClosedLoopCountsFirstTransmissions) {
    const json gen = {{"protocols", {{"sctp", {{"packets", 130}, {"first_transmissions", 100}}}}},
                      {"streams",
                       {{{"protocol", "sctp"}, {"flow", 0}, {"stream", 0}, {"packets", 50}},
                        {{"protocol", "sctp"}, {"flow", 0}, {"stream", 3}, {"packets", 50}}}}};
    const json sink = {{"protocols", {{"sctp", {{"packets", 80}, {"duplicates", 30}}}}},
                       {"streams", {{{"protocol", "sctp"}, {"flow", 0}, {"stream", 0}, {"packets", 80}, {"duplicates", 30}}}}};
    const json d = delivery_json(gen, sink);
    EXPECT_EQ(d["protocols"]["sctp"]["sent"], 100u);
    EXPECT_EQ(d["protocols"]["sctp"]["received"], 50u);
    EXPECT_EQ(d["protocols"]["sctp"]["lost"], 50u);
    ASSERT_EQ(d["streams"].size(), 2u);
    EXPECT_EQ(d["streams"][1]["stream"], 3u);
    EXPECT_EQ(d["streams"][1]["lost"], 50u);
    ASSERT_EQ(d["verdicts"].size(), 1u);
    EXPECT_EQ(d["verdicts"][0], "sctp flow 0 stream 3: 50 sent and none received: 100 % lost, the path dropped all of it");
}

}  // namespace
}  // namespace tg::report
