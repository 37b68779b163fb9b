#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "traffic/packet_sequencer.hpp"

namespace tg::traffic {
namespace {

TemplateSet one_template(Protocol p) {
    TemplateSet set;
    TemplateSpec spec;
    spec.protocol = p;
    spec.frame_size = 128;
    set.templates.push_back(std::make_unique<FrameTemplate>(spec));
    set.cycle[static_cast<std::size_t>(p)].push_back(0);
    return set;
}

FlowSet flows(std::uint32_t n) {
    return FlowSet(IpRange::parse("198.18.0.1", "src"), IpRange::parse("198.19.0.1", "dst"),
                   PortRange::parse("1024", "sp"), PortRange::parse("5201", "dp"), n);
}

TEST(PacketSequencer, LcoresSplitTheFlowsWithoutSharingOne) {
    // 3 flows over 2 generator lcores: one sends 0 and 2, the other 1, whatever the count.
    const TemplateSet templates = one_template(Protocol::udp);
    const FlowSet set = flows(3);
    std::map<std::uint32_t, std::set<std::uint32_t>> seen;  // lcore -> flows
    for (std::uint32_t lcore = 0; lcore < 2; ++lcore) {
        PacketSequencer s(templates, set, 1, lcore, 2);
        for (int i = 0; i < 100; ++i) {
            const FlowLane* lane = nullptr;
            PacketVars v;
            (void)s.next(Protocol::udp, lane, v);
            seen[lcore].insert(lane->flow_id);
        }
    }
    EXPECT_EQ(seen[0], (std::set<std::uint32_t>{0, 2}));
    EXPECT_EQ(seen[1], (std::set<std::uint32_t>{1}));
    PacketSequencer idle(templates, set, 1, 3, 4);  // a fourth lcore over 3 flows
    EXPECT_EQ(idle.flows_here(), 0u);
}

TEST(PacketSequencer, InAMixEachProtocolGoesRoundEveryFlow) {
    // UDP and SCTP alternating over 2 flows: each protocol reaches both flows (one cursor
    // for all would send every UDP packet on flow 0 and every SCTP packet on flow 1).
    TemplateSet templates;
    for (Protocol p : {Protocol::udp, Protocol::sctp}) {
        TemplateSpec spec;
        spec.protocol = p;
        spec.frame_size = 128;
        templates.cycle[static_cast<std::size_t>(p)].push_back(static_cast<std::uint16_t>(templates.templates.size()));
        templates.templates.push_back(std::make_unique<FrameTemplate>(spec));
    }
    const FlowSet set = flows(2);
    PacketSequencer s(templates, set, 4, 0, 1);
    std::map<Protocol, std::set<std::uint32_t>> seen;
    for (int i = 0; i < 40; ++i) {
        const Protocol p = i % 2 == 0 ? Protocol::udp : Protocol::sctp;
        const FlowLane* lane = nullptr;
        PacketVars v;
        (void)s.next(p, lane, v);
        seen[p].insert(lane->flow_id);
    }
    EXPECT_EQ(seen[Protocol::udp], (std::set<std::uint32_t>{0, 1}));
    EXPECT_EQ(seen[Protocol::sctp], (std::set<std::uint32_t>{0, 1}));
    for (std::uint32_t f = 0; f < 2; ++f) {
        EXPECT_EQ(s.sent(Protocol::udp, f, 0), 10u);
        for (std::uint16_t st = 0; st < 4; ++st) EXPECT_EQ(s.sent(Protocol::sctp, f, st), 10u / 4 + (st < 2 ? 1u : 0u));
    }
}

TEST(PacketSequencer, OnlyTheFlowsKeptGoOnAndTheRestAreNoLongerFound) {
    // 6 flows over 2 lcores (this one: 0, 2, 4); the sessions of 2 never came up.
    const TemplateSet templates = one_template(Protocol::sctp);
    const FlowSet set = flows(6);
    PacketSequencer s(templates, set, 2, 0, 2);
    EXPECT_TRUE(s.bind_sctp(2, 7, 100));
    s.keep_flows({true, true, false, true, true, true});
    EXPECT_EQ(s.flows_here(), 2u);
    EXPECT_FALSE(s.bind_sctp(2, 7, 100)) << "flow 2 is no longer this lcore's";
    EXPECT_TRUE(s.bind_sctp(4, 9, 500));
    std::map<std::uint32_t, int> per_flow;
    for (int i = 0; i < 40; ++i) {
        const FlowLane* lane = nullptr;
        PacketVars v;
        (void)s.next(Protocol::sctp, lane, v);
        ++per_flow[lane->flow_id];
    }
    EXPECT_EQ(per_flow, (std::map<std::uint32_t, int>{{0, 20}, {4, 20}}));
    EXPECT_EQ(s.sent(Protocol::sctp, 4, 0) + s.sent(Protocol::sctp, 4, 1), 20u);
    EXPECT_EQ(s.sent(Protocol::sctp, 2, 0), 0u);
    EXPECT_EQ(s.next_sctp_tsn(4), 520u) << "flow 4 kept its binding: TSNs from 500";
    s.keep_flows({false, false, false, false, false, false});
    EXPECT_EQ(s.flows_here(), 0u);
}

TEST(PacketSequencer, SctpRotatesStreamsAndNumbersEachOne) {
    const TemplateSet templates = one_template(Protocol::sctp);
    const FlowSet set = flows(2);
    PacketSequencer s(templates, set, 3, 0, 1);
    std::map<std::pair<std::uint32_t, std::uint16_t>, std::uint32_t> next_seq;
    std::map<std::uint32_t, std::uint32_t> next_tsn;
    for (int i = 0; i < 60; ++i) {
        const FlowLane* lane = nullptr;
        PacketVars v;
        (void)s.next(Protocol::sctp, lane, v);
        // Flows alternate; within a flow, streams 0, 1, 2, 0, ...
        EXPECT_EQ(lane->flow_id, static_cast<std::uint32_t>(i % 2));
        EXPECT_EQ(v.stream, (i / 2) % 3);
        auto& seq = next_seq[{lane->flow_id, v.stream}];
        EXPECT_EQ(v.seq, seq);
        EXPECT_EQ(v.ssn, static_cast<std::uint16_t>(seq));
        ++seq;
        EXPECT_EQ(v.l4_seq, next_tsn[lane->flow_id]++);  // one TSN space per association
    }
    for (std::uint32_t f = 0; f < 2; ++f) {
        for (std::uint16_t st = 0; st < 3; ++st) EXPECT_EQ(s.sent(Protocol::sctp, f, st), 10u);
    }
    EXPECT_EQ(s.sent(Protocol::sctp, 0, 3), 0u);
    EXPECT_EQ(s.sent(Protocol::udp, 0, 0), 0u);
}

TEST(PacketSequencer, TcpSequenceAdvancesByThePayload) {
    const TemplateSet templates = one_template(Protocol::tcp);
    const FlowSet set = flows(1);
    PacketSequencer s(templates, set, 1, 0, 1);
    const std::uint32_t payload = templates.templates[0]->payload_bytes();
    for (std::uint32_t i = 0; i < 5; ++i) {
        const FlowLane* lane = nullptr;
        PacketVars v;
        (void)s.next(Protocol::tcp, lane, v);
        EXPECT_EQ(v.seq, i);
        EXPECT_EQ(v.l4_seq, i * payload);
        EXPECT_EQ(v.stream, 0);
    }
    EXPECT_EQ(s.sent(Protocol::tcp, 0, 0), 5u);
}

}  // namespace
}  // namespace tg::traffic

namespace tg::traffic {
namespace {

TEST(PacketSequencer, WhatThePortNeverTookIsGivenBackExactly) {
    for (Protocol p : {Protocol::udp, Protocol::tcp, Protocol::sctp, Protocol::icmp, Protocol::raw}) {
        SCOPED_TRACE(to_string(p));
        const TemplateSet templates = one_template(p);
        const FlowSet set = flows(3);
        PacketSequencer s(templates, set, 4, 0, 1);
        std::vector<PacketVars> taken;
        std::vector<std::uint32_t> flow_of;
        for (int i = 0; i < 29; ++i) {
            const FlowLane* lane = nullptr;
            PacketVars v;
            (void)s.next(p, lane, v);
            taken.push_back(v);
            flow_of.push_back(lane->flow_id);
        }
        // The last 11 never went out.
        const std::uint32_t payload = templates.templates[0]->payload_bytes();
        for (int i = 0; i < 11; ++i) s.untake(p, payload);
        std::map<std::pair<std::uint32_t, std::uint16_t>, std::uint32_t> want;
        for (std::size_t i = 0; i < 18; ++i) ++want[{flow_of[i], taken[i].stream}];
        std::uint32_t counted = 0;
        for (std::uint32_t f = 0; f < 3; ++f) {
            for (std::uint16_t st = 0; st < 4; ++st) {
                const std::uint32_t expected = want[{f, st}];
                EXPECT_EQ(s.sent(p, f, st), expected) << f << "/" << st;
                counted += s.sent(p, f, st);
            }
        }
        EXPECT_EQ(counted, 18u);
        // What comes next is what was given back, sequence numbers and all.
        for (std::size_t i = 18; i < 29; ++i) {
            const FlowLane* lane = nullptr;
            PacketVars v;
            (void)s.next(p, lane, v);
            EXPECT_EQ(lane->flow_id, flow_of[i]);
            EXPECT_EQ(v.seq, taken[i].seq);
            EXPECT_EQ(v.stream, taken[i].stream);
            EXPECT_EQ(v.l4_seq, taken[i].l4_seq);
        }
    }
}

TEST(PacketSequencer, ALaterTrialGoesOnWithEveryStreamsSequence) {
    // A search's trials against a far sink: the second trial's engine continues each
    // flow's and stream's numbering where the first's stopped, for the same flows only.
    const TemplateSet templates = one_template(Protocol::sctp);
    const FlowSet set = flows(3);
    PacketSequencer first(templates, set, 2, 0, 1);
    std::map<std::pair<std::uint32_t, std::uint16_t>, std::uint32_t> next;  // (flow, stream) -> next seq
    const auto send = [&](PacketSequencer& s, int n) {
        for (int i = 0; i < n; ++i) {
            const FlowLane* lane = nullptr;
            PacketVars v;
            (void)s.next(Protocol::sctp, lane, v);
            const auto key = std::make_pair(lane->flow_id, v.stream);
            EXPECT_EQ(v.seq, next[key]) << "flow " << key.first << " stream " << key.second;
            next[key] = v.seq + 1;
        }
    };
    send(first, 13);  // not a whole round: the next trial starts mid-way round the flows
    PacketSequencer second(templates, set, 2, 0, 1);
    ASSERT_TRUE(second.continue_from(first));
    send(second, 20);
    EXPECT_EQ(second.sent(Protocol::sctp, 0, 0) + second.sent(Protocol::sctp, 0, 1), 11u);
    // Another lcore's share, or other streams, is not taken.
    PacketSequencer other_lcore(templates, set, 2, 1, 2);
    EXPECT_FALSE(other_lcore.continue_from(first));
    PacketSequencer other_streams(templates, set, 4, 0, 1);
    EXPECT_FALSE(other_streams.continue_from(first));
    EXPECT_EQ(other_streams.sent(Protocol::sctp, 0, 0), 0u);
}

}  // namespace
}  // namespace tg::traffic
