#pragma once
/// @file sdo_client.hpp
/// The SDO polling client of one CANopen node, as a pure state machine: it never sends
/// or sleeps; the caller asks it for the next request at a time, feeds it the frames it
/// receives, and asks whether the outstanding request has timed out. Time is a
/// parameter (microseconds), so replays and tests are deterministic.
///
/// Rules: at most one request outstanding per node (CiA 301 SDO servers handle one
/// transfer at a time); the poll list is walked in order, one object after the other as
/// soon as each is answered, aborted or timed out; a new cycle starts `cycle_interval_us`
/// after the previous one started.

#include <cstdint>
#include <optional>
#include <vector>

#include "protocols/can_frame.hpp"
#include "protocols/canopen/sdo.hpp"

namespace bms::canopen {

/// What a received frame or the passing of time meant for the poller.
struct SdoEvent {
  enum class Kind : std::uint8_t {
    Value,       ///< the outstanding object was answered: `response` holds the data
    Abort,       ///< the server aborted the outstanding request: `response.abort_code`
    Timeout,     ///< no answer within the timeout (abort code kAbortTimeout)
    Unexpected,  ///< an SDO response with nothing outstanding, or for another object
  };
  Kind kind = Kind::Unexpected;
  ObjectAddress object;
  SdoResponse response;
};

class SdoPoller {
 public:
  /// @param node 1..127; @param poll_list objects to read, in order (may be empty: no polls).
  SdoPoller(std::uint8_t node, std::vector<ObjectAddress> poll_list, std::int64_t timeout_us,
            std::int64_t cycle_interval_us);

  /// The request to send at `now_us`, if one is due and none is outstanding. Marks it
  /// outstanding from `now_us`.
  [[nodiscard]] std::optional<CanFrame> next_request(std::int64_t now_us) noexcept;

  /// Feeds a received frame. Frames that are not this node's SDO responses give nullopt.
  [[nodiscard]] std::optional<SdoEvent> on_frame(const CanFrame& frame, std::int64_t now_us) noexcept;

  /// Gives up the outstanding request if it has waited `timeout_us` or more at `now_us`.
  [[nodiscard]] std::optional<SdoEvent> check_timeout(std::int64_t now_us) noexcept;

  [[nodiscard]] bool outstanding() const noexcept { return outstanding_; }
  [[nodiscard]] std::uint8_t node() const noexcept { return node_; }
  [[nodiscard]] std::uint64_t timeouts() const noexcept { return timeouts_; }
  [[nodiscard]] std::uint64_t aborts() const noexcept { return aborts_; }

 private:
  void finish(std::int64_t now_us) noexcept;

  std::uint8_t node_;
  std::vector<ObjectAddress> poll_list_;
  std::int64_t timeout_us_;
  std::int64_t cycle_interval_us_;
  std::size_t next_index_ = 0;
  bool outstanding_ = false;
  bool started_ = false;
  std::int64_t sent_us_ = 0;
  std::int64_t cycle_start_us_ = 0;
  std::int64_t next_due_us_ = 0;
  std::uint64_t timeouts_ = 0;
  std::uint64_t aborts_ = 0;
};

}  // namespace bms::canopen
