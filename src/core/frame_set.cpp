#include "core/frame_set.hpp"

#include "protocols/pylon/pylon_codec.hpp"

namespace bms {

FrameSet build_frame_set(const Snapshot& s, const OutputSettings& output) {
  FrameSet set;
  const bool pylon = output.profile == OutputProfile::Pylon;

  pylon::Limits limits;
  limits.charge_voltage_limit_v = s.charge_voltage_limit_v;
  limits.charge_current_limit_a = s.charge_current_limit_a;
  limits.discharge_current_limit_a = s.discharge_current_limit_a;
  limits.discharge_voltage_limit_v = s.discharge_voltage_limit_v;
  limits.dlc = pylon ? 6 : 8;  // Pylontech V1.2 sends 0x351 with DLC 6
  set.add(pylon::encode_limits(limits));

  if (s.soc_pct) {
    pylon::SocSoh soc;
    soc.soc_pct = *s.soc_pct;
    soc.soh_pct = s.soh_pct.value_or(100.0);
    soc.soc_hires_pct = *s.soc_pct;
    soc.dlc = pylon ? 4 : 8;
    set.add(pylon::encode_soc_soh(soc));
  }
  if (s.voltage_v) {
    pylon::Measurements m;
    m.voltage_v = *s.voltage_v;
    m.current_a = s.current_a.value_or(0.0);
    m.temperature_c = s.temperature_c.value_or(0.0);
    set.add(pylon::encode_measurements(m));
  }
  for (std::size_t i = 0; i < set.count; ++i) {
    set.frames[i].time_us = s.time_us;
    set.frames[i].set_iface(output.interface);
  }
  return set;
}

}  // namespace bms
