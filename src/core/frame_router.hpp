#pragma once
/// @file frame_router.hpp
/// Maps a received frame to the battery it belongs to (by interface, and CANopen node id)
/// and decodes it with that battery's protocol into Readings. Runs on the reader thread;
/// pure apart from the callback, allocation-free per frame.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/reading.hpp"
#include "core/settings.hpp"
#include "protocols/can_frame.hpp"
#include "protocols/canopen/canopen_codec.hpp"
#include "protocols/decoded_frame.hpp"
#include "protocols/pylon/pylon_codec.hpp"

namespace bms {

struct RouterCounters {
  std::uint64_t frames = 0;
  std::uint64_t decoded = 0;
  std::uint64_t decode_errors = 0;   ///< too short / malformed for their id
  std::uint64_t foreign = 0;         ///< ids the battery's protocol does not use
  std::uint64_t unknown_source = 0;  ///< interface (or node) not in the configuration
  std::uint64_t inverter = 0;        ///< frames from the inverter side (0x305/0x307)
};

class FrameRouter {
 public:
  explicit FrameRouter(const Settings& settings);

  /// Decodes `frame` and calls emit(const Reading&) for each resulting reading: FrameSeen
  /// followed by one Signal per value, or a single DecodeError.
  template <typename Emit>
  void route(const CanFrame& frame, Emit&& emit) {
    ++counters_.frames;
    const int source = find_source(frame);
    if (source == kInverterIndex) {
      ++counters_.inverter;
      if (!frame.error && !frame.remote && frame.id == 0x305) {
        Reading r = make(frame.time_us, kSourceInverter, ReadingKind::Signal);
        r.signal = SignalId::InverterKeepAlive;
        r.value = 1.0;
        emit(r);
      }
      return;
    }
    if (source < 0) {
      ++counters_.unknown_source;
      return;
    }
    const auto index = static_cast<std::uint16_t>(source);
    const Route& route = routes_[index];
    const DecodedFrame decoded =
        route.canopen_map ? canopen::decode(frame, route.node, *route.canopen_map) : pylon::decode(frame, route.pylon);
    if (decoded.status == DecodeStatus::NotMine) {
      ++counters_.foreign;
      return;
    }
    if (decoded.status != DecodeStatus::Ok) {
      ++counters_.decode_errors;
      emit(make(frame.time_us, index, ReadingKind::DecodeError));
      return;
    }
    ++counters_.decoded;
    emit(make(frame.time_us, index, ReadingKind::FrameSeen));
    for (const SignalValue& v : decoded.values()) {
      Reading r = make(frame.time_us, index, ReadingKind::Signal);
      r.signal = v.id;
      r.value = v.value;
      r.text = v.text;
      emit(r);
    }
  }

  [[nodiscard]] const RouterCounters& counters() const noexcept { return counters_; }

  /// The configured battery (index into Settings::batteries) `frame` belongs to: by
  /// interface, and on a CANopen bus by a map's absolute COB-ID first, then by the node id in
  /// the COB-ID. nullopt for the inverter side and for unknown sources. The one routing rule:
  /// route() and the `decode` command both use it.
  [[nodiscard]] std::optional<std::size_t> battery_of(const CanFrame& frame) noexcept {
    const int source = find_source(frame);
    return source >= 0 ? std::optional<std::size_t>(static_cast<std::size_t>(source)) : std::nullopt;
  }

 private:
  static constexpr int kInverterIndex = -2;
  static Reading make(std::int64_t t, std::uint16_t source, ReadingKind kind) noexcept {
    Reading r;
    r.time_us = t;
    r.source = source;
    r.kind = kind;
    return r;
  }
  /// Battery index, kInverterIndex, or -1.
  int find_source(const CanFrame& frame) noexcept;

  /// How one battery is recognised and decoded.
  struct Route {
    std::string interface;
    pylon::DecodeOptions pylon;
    const canopen::ObjectMap* canopen_map = nullptr;  ///< set for CANopen batteries
    std::uint8_t node = 0;
  };
  std::vector<Route> routes_;                                    // per battery, in configuration order
  std::vector<std::shared_ptr<const canopen::ObjectMap>> maps_;  // keeps the maps alive
  std::string inverter_interface_;
  RouterCounters counters_;
  // The last interface seen (its name bytes as they came; all zero before the first frame,
  // which routes nowhere) and its answer: consecutive frames mostly share an interface.
  std::array<char, kIfaceNameMax + 1> last_iface_{};
  int last_source_ = -1;  ///< Pylontech battery, inverter, or -1
  bool last_is_canopen_ = false;
};

}  // namespace bms
