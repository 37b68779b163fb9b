// The sink's side of real TCP connections: a TcpListener (proto/tcp_listener.hpp) that
// answers SYNs on any port, acknowledges the data it counts, and closes when the peer
// does. A segment that starts with a request (proto/request.hpp) is answered on its
// connection with the bytes it asks for. Segments of no connection are stateless test
// traffic: counted by the sink as such, never answered. Answers come back as whole frames, the way the peer's came (see
// way_back.hpp). One per RX lcore, like the SinkCore that holds it.
#pragma once

#include <cstdint>
#include <span>

#include "proto/parse.hpp"
#include "proto/tcp_listener.hpp"
#include "sink/owed_answers.hpp"
#include "sink/way_back.hpp"

namespace tg::sink {

struct TcpResponderCounters {
    std::uint64_t bad_options = 0;  // segments whose options did not parse: dropped
};

class TcpResponder {
public:
    TcpResponder(const proto::TcpListenerConfig& config, std::uint64_t seed);

    // A frame that parsed as TCP with a good checksum. True when the listener took it (a
    // SYN, or a segment of a connection); false for stateless test traffic.
    bool offer(const proto::PacketView& v, std::uint64_t now_ms);
    void tick(std::uint64_t now_ms);
    [[nodiscard]] std::uint64_t next_timer_ms() const noexcept { return next_timer_ms_; }
    // The next answer as a frame in `out`; its length, or 0 when there is none.
    std::size_t next_frame(std::span<std::uint8_t> out);

    [[nodiscard]] const proto::TcpListener& listener() const noexcept { return listener_; }
    [[nodiscard]] const TcpResponderCounters& counters() const noexcept { return counters_; }
    [[nodiscard]] const RequestCounters& requests() const noexcept { return answers_.counters(); }

private:
    void send_answers();

    proto::TcpListener listener_;
    OwedAnswers answers_;
    std::uint64_t now_ms_ = 0;
    WayBack way_back_;
    std::uint64_t next_timer_ms_ = ~std::uint64_t{0};
    TcpResponderCounters counters_;
};

}  // namespace tg::sink
