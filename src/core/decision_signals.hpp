#pragma once
/// @file decision_signals.hpp
/// Which signals can change a decision of the policy (limits, enables, alarms, and SOC
/// through the imbalance tier) and which are measurements shown at the next publication.
/// The engine evaluates at once only for the first kind; the D-Bus sources wake the
/// aggregator at once only for them.

#include "protocols/signals.hpp"

namespace bms {

/// Signals that feed a protective decision (limits, enables, alarms, and SOC through the
/// imbalance tier). Measurements and texts only matter at the next periodic publication,
/// so a change of them does not trigger an evaluation of its own.
[[nodiscard]] constexpr bool is_decision_signal(SignalId id) noexcept {
  switch (id) {
    case SignalId::VoltageV:
    case SignalId::CurrentA:
    case SignalId::TemperatureC:
    case SignalId::SohPct:
    case SignalId::MinCellVoltageV:
    case SignalId::MaxCellVoltageV:
    case SignalId::MinCellTemperatureC:
    case SignalId::MaxCellTemperatureC:
    case SignalId::ChargedEnergyKwh:
    case SignalId::DischargedEnergyKwh:
    case SignalId::InstalledCapacityAh:
    case SignalId::ModuleCount:
    case SignalId::PowerW:
    case SignalId::AvailableCapacityAh:
    case SignalId::ModulesOnline:
    case SignalId::ModulesOffline:
    case SignalId::ModulesBlockingCharge:
    case SignalId::ModulesBlockingDischarge:
      return false;
    default:
      return !signal_is_text(id);
  }
}

}  // namespace bms
