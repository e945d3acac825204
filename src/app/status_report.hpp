#pragma once
/// @file status_report.hpp
/// What `bms-aggregator status` prints, made from the items a running service answers to
/// GetItems (path -> value). Pure: no bus here, so every line is testable. Invalid values
/// show as "-" (text) or null (JSON), never 0.

#include <map>
#include <string>

#include "dbus/bus_value.hpp"

namespace bms {

struct ServiceItems {
  std::string service;                          ///< the bus name read
  std::map<std::string, dbus::BusValue> items;  ///< GetItems: absolute path -> value
};

/// A header line (service, product, connection), the bank line, then a table with one row
/// per /Batteries/<i> (online, SOC, V, A, degC, limits, blocking, alarms, cell extremes,
/// source). Ends with a newline.
[[nodiscard]] std::string format_status_text(const ServiceItems& status);

/// One JSON object on one line: {"service", "bank": {...}, "packs": [{...}]}; invalid values
/// are null. No trailing newline.
[[nodiscard]] std::string format_status_json(const ServiceItems& status);

}  // namespace bms
