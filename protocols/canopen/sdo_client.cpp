#include "protocols/canopen/sdo_client.hpp"

#include <utility>

namespace bms::canopen {

SdoPoller::SdoPoller(std::uint8_t node, std::vector<ObjectAddress> poll_list, std::int64_t timeout_us,
                     std::int64_t cycle_interval_us)
    : node_(static_cast<std::uint8_t>(node & 0x7FU)),
      poll_list_(std::move(poll_list)),
      timeout_us_(timeout_us),
      cycle_interval_us_(cycle_interval_us) {}

std::optional<CanFrame> SdoPoller::next_request(std::int64_t now_us) noexcept {
  if (outstanding_ || poll_list_.empty()) return std::nullopt;
  if (started_ && now_us < next_due_us_) return std::nullopt;
  if (next_index_ == 0) cycle_start_us_ = now_us;
  started_ = true;
  outstanding_ = true;
  sent_us_ = now_us;
  return build_upload_request(node_, poll_list_[next_index_]);
}

void SdoPoller::finish(std::int64_t now_us) noexcept {
  outstanding_ = false;
  next_index_ = (next_index_ + 1) % poll_list_.size();
  // Within a cycle the next object follows at once; a new cycle waits for its slot.
  next_due_us_ = next_index_ == 0 ? cycle_start_us_ + cycle_interval_us_ : now_us;
}

std::optional<SdoEvent> SdoPoller::on_frame(const CanFrame& frame, std::int64_t now_us) noexcept {
  if (frame.extended || frame.error || frame.id != kSdoResponseBase + node_) return std::nullopt;
  SdoEvent e;
  e.response = parse_sdo_response(frame);
  e.object = e.response.object;
  const bool answers_outstanding =
      outstanding_ && e.response.object == poll_list_[next_index_] &&
      (e.response.kind == SdoResponseKind::Upload || e.response.kind == SdoResponseKind::Abort);
  if (!answers_outstanding) {
    e.kind = SdoEvent::Kind::Unexpected;
    return e;
  }
  if (e.response.kind == SdoResponseKind::Upload) {
    e.kind = SdoEvent::Kind::Value;
  } else {
    e.kind = SdoEvent::Kind::Abort;
    ++aborts_;
  }
  finish(now_us);
  return e;
}

std::optional<SdoEvent> SdoPoller::check_timeout(std::int64_t now_us) noexcept {
  if (!outstanding_ || now_us - sent_us_ < timeout_us_) return std::nullopt;
  SdoEvent e;
  e.kind = SdoEvent::Kind::Timeout;
  e.object = poll_list_[next_index_];
  e.response.kind = SdoResponseKind::Abort;
  e.response.object = e.object;
  e.response.abort_code = kAbortTimeout;
  ++timeouts_;
  finish(now_us);
  return e;
}

}  // namespace bms::canopen
