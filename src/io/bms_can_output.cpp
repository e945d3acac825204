#include "io/bms_can_output.hpp"

#include "core/frame_set.hpp"

namespace bms {

void BmsCanOutput::publish(const Snapshot& snapshot, PublishReason /*reason*/) {
  const FrameSet set = build_frame_set(snapshot, settings_);
  ++sets_;
  for (const CanFrame& f : set.view()) {
    if (sink_.send(f) == SendResult::Sent) {
      ++sent_;
    } else {
      ++dropped_;
    }
  }
}

}  // namespace bms
