// The sink's side of real SCTP associations. SCTP frames that open or belong to an
// association go to an SctpServer (stateless until COOKIE ECHO; see proto/sctp_server.hpp),
// which answers INIT, COOKIE ECHO, HEARTBEAT and SHUTDOWN and acknowledges DATA with SACKs.
// Its answers come back as whole frames: MACs swapped and VLAN tags kept from what the
// peer sent. A DATA chunk that starts with a request (proto/request.hpp) is answered on
// its association and stream, with its PPID, by as many bytes as it asks for, in DATA
// chunks that fit the path. Stateless test traffic (DATA of no association) passes by untouched and
// unanswered. One per RX lcore, like the SinkCore that holds it.
#pragma once

#include <cstdint>
#include <span>

#include "proto/parse.hpp"
#include "proto/sctp_server.hpp"
#include "sink/owed_answers.hpp"
#include "sink/way_back.hpp"

namespace tg::sink {

class SctpResponder {
public:
    SctpResponder(const proto::SctpServerConfig& config, std::uint64_t seed);

    // A frame that parsed as SCTP with a good checksum.
    // True when the server took it (it opens or belongs to an association); false for
    // stateless test traffic.
    bool offer(const proto::PacketView& v, std::uint64_t now_ms);
    void tick(std::uint64_t now_ms);
    [[nodiscard]] std::uint64_t next_timer_ms() const noexcept { return next_timer_ms_; }
    // The next answer as a frame in `out`; its length, or 0 when there is none.
    std::size_t next_frame(std::span<std::uint8_t> out);

    [[nodiscard]] const proto::SctpServer& server() const noexcept { return server_; }
    [[nodiscard]] const RequestCounters& requests() const noexcept { return answers_.counters(); }

private:
    void send_answers();

    proto::SctpServer server_;
    OwedAnswers answers_;
    std::uint64_t now_ms_ = 0;
    WayBack way_back_;
    std::uint64_t next_timer_ms_ = 0;
};

}  // namespace tg::sink
