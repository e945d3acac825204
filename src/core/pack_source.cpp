#include "core/pack_source.hpp"

namespace bms {

std::string pack_source(const BatterySettings& b) {
  switch (b.protocol) {
    case BatteryProtocol::Pylontech:
      return "CAN " + b.interface;
    case BatteryProtocol::Canopen:
      return "CANopen " + b.interface + " node " + std::to_string(b.node_id);
  }
  return b.interface;
}

}  // namespace bms
