#include "sink/sink_core.hpp"

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "proto/build.hpp"
#include "traffic/packet_sequencer.hpp"
#include "traffic/size_mix.hpp"

namespace tg::sink {
namespace {

using traffic::Protocol;

struct Run {
    traffic::TemplateSet templates;
    std::unique_ptr<traffic::FlowSet> flows;
    std::unique_ptr<traffic::PacketSequencer> seq;
    std::vector<std::vector<std::uint8_t>> frames;
    std::map<std::pair<std::uint32_t, std::uint16_t>, std::uint64_t> sent;  // (flow, stream) -> packets
    std::vector<std::pair<std::uint32_t, std::uint16_t>> keys;                // each frame's (flow, stream)
};

// Packet i is stamped as sent at 1000 + 100 i ns, plus `pause_ns` from packet `pause_from` on.
Run generate(Protocol p, bool v6, const char* sizes, std::uint32_t flows, std::uint16_t streams, int packets,
             int pause_from = -1, std::uint64_t pause_ns = 0) {
    Run run;
    const auto mix = traffic::SizeMix::parse(sizes);
    for (const auto& e : mix.entries) {
        traffic::TemplateSpec spec;
        spec.protocol = p;
        spec.ipv6 = v6;
        spec.frame_size = e.size;
        run.templates.templates.push_back(std::make_unique<traffic::FrameTemplate>(spec));
    }
    for (std::uint32_t size : mix.cycle()) {
        for (std::uint16_t i = 0; i < mix.entries.size(); ++i) {
            if (mix.entries[i].size == size) run.templates.cycle[static_cast<std::size_t>(p)].push_back(i);
        }
    }
    run.flows = std::make_unique<traffic::FlowSet>(
        traffic::IpRange::parse(v6 ? "2001:2::1" : "198.18.0.1", "src"),
        traffic::IpRange::parse(v6 ? "2001:2::2" : "198.19.0.1", "dst"), traffic::PortRange::parse("1024", "sp"),
        traffic::PortRange::parse("5201", "dp"), flows);
    run.seq = std::make_unique<traffic::PacketSequencer>(run.templates, *run.flows, streams, 0, 1);
    for (int i = 0; i < packets; ++i) {
        const traffic::FlowLane* lane = nullptr;
        traffic::PacketVars v;
        const auto& t = run.seq->next(p, lane, v);
        const std::uint64_t pause = pause_from >= 0 && i >= pause_from ? pause_ns : 0;
        const auto time = proto::test_header_time(1000u + static_cast<std::uint64_t>(i) * 100 + pause);
        std::vector<std::uint8_t> frame(t.bytes().begin(), t.bytes().end());
        t.stamp<false>(frame.data(), *lane, v, time);
        run.frames.push_back(std::move(frame));
        ++run.sent[{lane->flow_id, v.stream}];
        run.keys.emplace_back(lane->flow_id, v.stream);
    }
    return run;
}

std::map<std::pair<std::uint32_t, std::uint16_t>, const StreamStats*> by_stream(const SinkCore& s) {
    std::map<std::pair<std::uint32_t, std::uint16_t>, const StreamStats*> m;
    s.for_each_stream([&](const StreamStats& st) { m[{st.flow_id, st.stream_id}] = &st; });
    return m;
}

// The protocols whose every packet carries the test header.
constexpr Protocol sequenced[] = {Protocol::tcp, Protocol::udp, Protocol::sctp, Protocol::icmp, Protocol::raw};

TEST(SinkCore, CountsEveryProtocolPerFlowAndStreamWithNothingLost) {
    for (Protocol p : sequenced) {
        for (bool v6 : {false, true}) {
            SCOPED_TRACE(std::string(traffic::to_string(p)) + (v6 ? "/v6" : "/v4"));
            auto run = generate(p, v6, p == Protocol::udp && !v6 ? "64:3,1518:1" : "128:7,594:4,1518:1", 5, 4, 2000);
            SinkCore sink({.max_streams = 1024, .shared_clock = true});
            std::uint64_t t = 5000;
            for (const auto& f : run.frames) sink.process(f, {t += 100, NicChecksum::unknown, NicChecksum::unknown});
            const auto& pt = sink.totals().protocols[static_cast<std::size_t>(p)];
            EXPECT_EQ(pt.packets, 2000u);
            EXPECT_EQ(pt.bad_ip_checksum + pt.bad_l4_checksum, 0u);
            EXPECT_EQ(sink.totals().malformed + sink.totals().non_test, 0u);
            const auto streams = by_stream(sink);
            ASSERT_EQ(streams.size(), run.sent.size());
            for (const auto& [key, n] : run.sent) {
                const StreamStats* st = streams.at(key);
                EXPECT_EQ(st->packets, n);
                EXPECT_EQ(st->sequence.lost(), 0u);
                EXPECT_EQ(st->sequence.reordered(), 0u);
            }
            if (p == Protocol::sctp) {
                EXPECT_EQ(run.sent.size(), 5u * 4u);  // every flow used all 4 streams
            }
            // Packet i leaves at 1000 + 100 i and arrives at 5100 + 100 i: latency 4100 ns, no jitter.
            EXPECT_EQ(pt.latency.min(), 4100u);
            EXPECT_EQ(pt.latency.max(), 4100u);
            for (const auto& [key, st] : streams) EXPECT_EQ(st->jitter.ns(), 0u);
        }
    }
}

TEST(SinkCore, CraftedDefectsAreEachCountedExactly) {
    // Raw frames have no checksum to spoil.
    for (Protocol p : {Protocol::tcp, Protocol::udp, Protocol::sctp, Protocol::icmp}) {
        SCOPED_TRACE(traffic::to_string(p));
        auto run = generate(p, false, "256", 3, 2, 3000);
        // Packets `apart` apart are neighbours in one flow's (and SCTP stream's) sequence:
        // 3 flows, and for SCTP 2 streams each. Swapping them makes one reordered arrival.
        const std::size_t apart = p == Protocol::sctp ? 6 : 3;
        std::vector<std::size_t> order(run.frames.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::uint64_t dropped = 0, duplicated = 0, reordered = 0, bad_l4 = 0, bad_ip = 0, foreign = 0, junk = 0;
        for (std::size_t i = 100; i + apart < order.size(); i += 211) {
            std::swap(order[i], order[i + apart]);
            ++reordered;
        }
        std::vector<std::vector<std::uint8_t>> wire;
        for (std::size_t k = 0; k < order.size(); ++k) {
            const std::size_t i = order[k];
            const bool swapped = i != k;
            if (i % 97 == 5 && !swapped) {
                ++dropped;
                continue;
            }
            wire.push_back(run.frames[i]);
            if (i % 83 == 3) {
                wire.push_back(run.frames[i]);
                ++duplicated;
            }
        }
        // Corrupted copies of a packet: they must count as bad, not as received.
        auto corrupt_l4 = run.frames[10];
        corrupt_l4.back() ^= 0x40;
        auto corrupt_ip = run.frames[11];
        corrupt_ip[14 + 8] ^= 1;  // TTL
        for (int k = 0; k < 7; ++k) {
            wire.push_back(corrupt_l4);
            ++bad_l4;
        }
        for (int k = 0; k < 5; ++k) {
            wire.push_back(corrupt_ip);
            ++bad_ip;
        }
        // Foreign traffic: a valid UDP datagram without our header, and an ARP announcement.
        std::vector<std::uint8_t> other(128);
        proto::L3Spec l3;
        l3.src = proto::Ipv4Address::of(198, 18, 0, 9);
        l3.dst = proto::Ipv4Address::of(198, 18, 0, 10);
        const std::uint8_t data[20] = {0x12, 0x34, 1, 0};
        other.resize(proto::build_udp_frame(other, {}, l3, {5353, 5201}, data).layout.length);
        std::vector<std::uint8_t> arp(64);
        arp.resize(proto::build_arp_frame(arp, {}, {}).layout.length);
        for (int k = 0; k < 4; ++k) {
            wire.push_back(other);
            wire.push_back(arp);
            foreign += 2;
        }
        const std::vector<std::uint8_t> truncated(run.frames[0].begin(), run.frames[0].begin() + 20);
        wire.push_back(truncated);
        ++junk;

        SinkCore sink({});
        for (const auto& f : wire) sink.process(f, {});
        const auto& t = sink.totals();
        const auto& pt = t.protocols[static_cast<std::size_t>(p)];
        std::uint64_t lost = 0, dups = 0, reord = 0;
        sink.for_each_stream([&](const StreamStats& s) {
            lost += s.sequence.lost();
            dups += s.sequence.duplicates();
            reord += s.sequence.reordered();
        });
        // The last packets of each stream carry no "last" flag here, so a drop among
        // them would be invisible; none of the drops above falls there.
        EXPECT_EQ(lost, dropped);
        EXPECT_EQ(dups, duplicated);
        EXPECT_EQ(reord, reordered);
        EXPECT_EQ(pt.bad_l4_checksum, bad_l4);
        EXPECT_EQ(pt.bad_ip_checksum, bad_ip);
        EXPECT_EQ(t.non_test, foreign);
        EXPECT_EQ(t.malformed, junk);
        EXPECT_EQ(pt.packets, run.frames.size() - dropped + duplicated);
    }
}

}  // namespace
}  // namespace tg::sink

namespace tg::sink {
namespace {

TEST(SinkCore, AWindowWithNothingDeliveredIsOneInterruptionPerStreamWithItsLoss) {
    // Packet i leaves at 1000 + 100 i ns and arrives 4000 ns later; packets [1000, 1400)
    // are lost on the way, a 40 us window over 3 flows of 2 SCTP streams each.
    auto run = generate(Protocol::sctp, false, "256", 3, 2, 3000);
    constexpr std::size_t from = 1000, to = 1400;
    SinkCore sink({.shared_clock = true, .gap_threshold_ns = 10'000, .gap_log = 4});
    for (std::size_t i = 0; i < run.frames.size(); ++i) {
        if (i >= from && i < to) continue;
        sink.process(run.frames[i], {5000 + 100 * i, NicChecksum::unknown, NicChecksum::unknown});
    }
    // What each stream should show, from the frames themselves: its last arrival before
    // the window, its first after, and its packets inside.
    std::map<std::pair<std::uint32_t, std::uint16_t>, std::size_t> before, after;
    std::map<std::pair<std::uint32_t, std::uint16_t>, std::uint64_t> inside;
    for (std::size_t i = 0; i < run.keys.size(); ++i) {
        if (i < from) before[run.keys[i]] = i;
        else if (i < to) ++inside[run.keys[i]];
        else if (!after.contains(run.keys[i])) after[run.keys[i]] = i;
    }
    const auto streams = by_stream(sink);
    ASSERT_EQ(streams.size(), 6u);
    std::uint64_t lost = 0;
    for (const auto& [key, st] : streams) {
        SCOPED_TRACE("flow " + std::to_string(key.first) + " stream " + std::to_string(key.second));
        EXPECT_EQ(st->gaps.count(), 1u);
        EXPECT_EQ(st->gaps.longest().start_ns, 5000 + 100 * before.at(key));
        EXPECT_EQ(st->gaps.longest().duration_ns, 100 * (after.at(key) - before.at(key)));
        EXPECT_EQ(st->gaps.longest().lost, inside.at(key));
        EXPECT_EQ(st->gaps.lost(), st->sequence.lost());
        lost += st->gaps.lost();
    }
    EXPECT_EQ(lost, to - from);
    // The list keeps the first four; the other two are counted.
    EXPECT_EQ(sink.interruptions().size(), 4u);
    EXPECT_EQ(sink.interruptions_not_listed(), 2u);
}

TEST(SinkCore, ItsLiveCountersFollowTheStreamsAfterEachPublish) {
    // 2 flows of UDP; frames 100-149 held back and delivered after frame 299, 200-209
    // never: while they are held, 50 are missing; once in, only the 10.
    auto run = generate(Protocol::udp, false, "128", 2, 1, 400);
    SinkCore sink({});
    LiveCounters& live = sink.live();
    std::uint64_t now = 0;
    const auto deliver = [&](std::size_t i) {
        now = std::max<std::uint64_t>(now + 1, 5000 + 100 * i);  // a held frame arrives after the last one
        sink.process(run.frames[i], {now, NicChecksum::unknown, NicChecksum::unknown});
    };
    const auto lost_now = [&] {
        std::uint64_t lost = 0;
        sink.for_each_stream([&](const StreamStats& s) { lost += s.sequence.lost(); });
        return lost;
    };
    for (std::size_t i = 0; i < 300; ++i) {
        if ((i >= 100 && i < 150) || (i >= 200 && i < 210)) continue;
        deliver(i);
    }
    EXPECT_EQ(live.read(Protocol::udp).packets, 0u) << "nothing is seen before a publish";
    sink.publish();
    EXPECT_EQ(live.read(Protocol::udp).packets, 240u);
    EXPECT_EQ(live.read(Protocol::udp).bytes, sink.totals().protocols[static_cast<std::size_t>(Protocol::udp)].bytes);
    EXPECT_EQ(live.read(Protocol::udp).lost, 60u);
    EXPECT_EQ(live.read(Protocol::udp).lost, lost_now());
    for (std::size_t i = 100; i < 150; ++i) deliver(i);
    for (std::size_t i = 300; i < 400; ++i) deliver(i);
    sink.publish();
    EXPECT_EQ(live.read(Protocol::udp).packets, 390u);
    EXPECT_EQ(live.read(Protocol::udp).lost, 10u);
    EXPECT_EQ(live.read(Protocol::udp).lost, lost_now());
    // The late frames arrived 15-20 us after their turn: their jitter peaked, and taking
    // the peak clears it until the next publish.
    std::uint64_t highest = 0;
    sink.for_each_stream([&](const StreamStats& s) { highest = std::max(highest, s.jitter.ns()); });
    const std::uint64_t peak = live.take_jitter_peak(Protocol::udp);
    EXPECT_GE(peak, highest);
    EXPECT_GT(peak, 1000u);
    EXPECT_EQ(live.take_jitter_peak(Protocol::udp), 0u);
    EXPECT_EQ(live.read(Protocol::tcp).packets, 0u);
}

TEST(SinkCore, PausesOfTheSenderAndGapsUnderTheThresholdAreNoInterruption) {
    // The sender pauses for 1 ms before packet 1000 (its stamps say so, as a rotation's
    // pause does), and packet 1500 is lost: a gap of 300 ns, under the threshold.
    auto run = generate(Protocol::udp, false, "128", 2, 1, 2000, 1000, 1'000'000);
    SinkCore sink({.gap_threshold_ns = 10'000});
    for (std::size_t i = 0; i < run.frames.size(); ++i) {
        if (i == 1500) continue;
        sink.process(run.frames[i], {5000 + 100 * i + (i >= 1000 ? 1'000'000 : 0), NicChecksum::unknown,
                                     NicChecksum::unknown});
    }
    std::uint64_t gaps = 0, lost = 0;
    sink.for_each_stream([&](const StreamStats& s) {
        gaps += s.gaps.count();
        lost += s.sequence.lost();
    });
    EXPECT_EQ(lost, 1u);
    EXPECT_EQ(gaps, 0u);
    EXPECT_TRUE(sink.interruptions().empty());
}

TEST(SinkCore, PacketsHeldBackByThePathAreAnInterruptionWithNothingLost) {
    // The sender never pauses; the path holds packets 1000-1099 for 2 ms and then lets
    // them all through at once, as a bridge does while a VM's port moves.
    auto run = generate(Protocol::udp, false, "128", 1, 1, 2000);
    SinkCore sink({.gap_threshold_ns = 1'000'000});
    for (std::size_t i = 0; i < run.frames.size(); ++i) {
        const std::uint64_t held = i >= 1000 && i < 1100 ? 2'000'000 - 100 * (i - 1000) : 0;
        const std::uint64_t rx = 5000 + 100 * i + held;
        sink.process(run.frames[i], {i >= 1100 ? std::max<std::uint64_t>(rx, 5000 + 100 * 1000 + 2'000'000) : rx,
                                     NicChecksum::unknown, NicChecksum::unknown});
    }
    ASSERT_EQ(sink.interruptions().size(), 1u);
    const auto& g = sink.interruptions().front().gap;
    EXPECT_EQ(g.start_ns, 5000 + 100 * 999u);
    EXPECT_EQ(g.duration_ns, 2'000'000u + 100u);
    EXPECT_EQ(g.lost, 0u);
}

}  // namespace
}  // namespace tg::sink
