// CANopen object maps: the loader's strictness, the shipped maps, and PDO/SDO decoding
// driven by them.

#include <gtest/gtest.h>

#include "frame_test_helpers.hpp"
#include "io/object_map_loader.hpp"
#include "protocols/canopen/canopen_codec.hpp"
#include "protocols/canopen/sdo.hpp"

namespace bms::canopen {
namespace {

using test::frame;
using test::value;

ObjectMap load_shipped(const std::string& name) {
  const ObjectMapResult r = load_object_map(name, "");
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors.front());
  return r.map;
}

TEST(CanopenShippedMaps, SuperbEpsilonV2IsMarkedCommunityDerivedAt250k) {
  const ObjectMap m = load_shipped("superb_epsilon_v2");
  EXPECT_EQ(m.name, "SuperB Epsilon V2");
  EXPECT_NE(m.provenance.find("community"), std::string::npos);
  EXPECT_EQ(m.bitrate, 250000);
  EXPECT_TRUE(m.pdos.empty());
  ASSERT_EQ(m.sdo_objects.size(), 5U);
  EXPECT_EQ(m.sdo_objects[0].address, (ObjectAddress{0x6060, 0}));
}

TEST(CanopenShippedMaps, SuperbAnswersDecodeToVoltsPercentDegreesAmps) {
  const ObjectMap m = load_shipped("superb_epsilon_v2");
  // 13.25 V = 13568/1024: 0x3500
  EXPECT_EQ(value(decode(frame("581#4360600000350000"), 1, m), SignalId::VoltageV), 13.25);
  EXPECT_EQ(value(decode(frame("581#4F8160005F000000"), 1, m), SignalId::SocPct), 95.0);
  // -2.5 degC = -20/8: 0xFFEC
  EXPECT_EQ(value(decode(frame("581#4B106000ECFF0000"), 1, m), SignalId::TemperatureC), -2.5);
  // -12.345 A = -12345 mA: 0xFFFFCFC7
  EXPECT_EQ(value(decode(frame("581#43102000C7CFFFFF"), 1, m), SignalId::CurrentA), -12.345);
  EXPECT_EQ(value(decode(frame("581#4352600010000000"), 1, m), SignalId::ChargeAhTotal), 2.0);
}

TEST(CanopenShippedMaps, SuperbAbortIsAnErrorWithTheAbortText) {
  const ObjectMap m = load_shipped("superb_epsilon_v2");
  const auto d = decode(frame("581#8053600000000206"), 1, m);
  EXPECT_EQ(d.status, DecodeStatus::Malformed);
  EXPECT_EQ(d.reason, "Object does not exist in the object dictionary");
}

TEST(CanopenShippedMaps, SuperbResponseOfAnotherNodeOrUnmappedObjectIsNotMine) {
  const ObjectMap m = load_shipped("superb_epsilon_v2");
  EXPECT_EQ(decode(frame("582#4F8160005F000000"), 1, m).status, DecodeStatus::NotMine);
  EXPECT_EQ(decode(frame("581#4F0010005F000000"), 1, m).status, DecodeStatus::NotMine);
  EXPECT_EQ(decode(frame("601#4060600000000000"), 1, m).status, DecodeStatus::NotMine);
}

TEST(CanopenShippedMaps, ShortSdoAnswerForAWideObjectIsTooShort) {
  const ObjectMap m = load_shipped("superb_epsilon_v2");
  EXPECT_EQ(decode(frame("581#4F60600000000000"), 1, m).status, DecodeStatus::TooShort);
}

TEST(CanopenShippedMaps, HeartbeatAndEmcyDecodeThroughTheBatteryCodec) {
  const ObjectMap m = load_shipped("superb_epsilon_v2");
  EXPECT_EQ(value(decode(frame("701#05"), 1, m), SignalId::NmtState), 5.0);
  EXPECT_EQ(value(decode(frame("081#1042080000000000"), 1, m), SignalId::EmcyCode), 0x4210);
  EXPECT_EQ(decode(frame("702#05"), 1, m).status, DecodeStatus::NotMine);
}

TEST(CanopenShippedMaps, Cia418Tpdo1DecodesVoltageTemperatureSocStatus) {
  const ObjectMap m = load_shipped("cia418_generic");
  ASSERT_EQ(m.pdos.size(), 1U);
  // 52.5 V = 53760/1024 = 0xD200; 25.5 degC = 204/8 = 0x00CC; SOC 80; status 0x01
  const auto d = decode(frame("185#00D20000CC005001"), 5, m);
  ASSERT_EQ(d.status, DecodeStatus::Ok);
  EXPECT_EQ(value(d, SignalId::VoltageV), 52.5);
  EXPECT_EQ(value(d, SignalId::TemperatureC), 25.5);
  EXPECT_EQ(value(d, SignalId::SocPct), 80.0);
  EXPECT_EQ(value(d, SignalId::BatteryStatus), 1.0);
  EXPECT_EQ(decode(frame("185#00D20000CC0050"), 5, m).status, DecodeStatus::TooShort);
  EXPECT_EQ(decode(frame("186#00D20000CC005001"), 5, m).status, DecodeStatus::NotMine);
}

TEST(CanopenObjectMap, DecodesBitFieldsSignedValuesScaleAndOffset) {
  const auto r = load_object_map_text(R"(
[map]
name = "test"
[[pdo]]
cob_id = 0x3F0
[[pdo.field]]
byte = 0
bit = 4
bits = 4
signal = "module_count"
[[pdo.field]]
byte = 1
bits = 12
signed = true
scale = 0.1
offset = -40
signal = "temperature_c"
)",
                                      "test.toml");
  ASSERT_TRUE(r.ok()) << r.errors.front();
  // byte 0 = 0x70 -> high nibble 7; bytes 1-2 = 0x0FFF (12 bits, signed: -1) -> -0.1 - 40
  const auto d = decode_pdo(r.map, frame("3F0#70FF0F"), 1);
  ASSERT_EQ(d.status, DecodeStatus::Ok);
  EXPECT_EQ(value(d, SignalId::ModuleCount), 7.0);
  EXPECT_EQ(value(d, SignalId::TemperatureC), -40.1);
}

TEST(CanopenObjectMapLoader, ReportsEveryProblemWithFileLineAndKey) {
  const auto r = load_object_map_text(R"([map]
name = "bad"
colour = "blue"
[[sdo]]
index = 0x6060
bits = 40
signal = "voltage_v"
[[sdo]]
index = 0x6081
bits = 8
signal = "no_such_signal"
[[pdo]]
pdo = 5
[[pdo.field]]
byte = 7
bits = 16
signal = "soc_pct"
)",
                                      "bad.toml");
  ASSERT_FALSE(r.ok());
  const std::vector<std::string> expected{
      "bad.toml:3: map.colour: unknown key",
      "bad.toml:13: pdo[0].pdo: out of range: 5 (allowed 1 .. 4)",
      "bad.toml:12: pdo[0].pdo: give exactly one of pdo (1..4) or cob_id",
      "bad.toml:14: pdo[0].field[0].bits: field runs past the 8 bytes of a PDO",
      "bad.toml:6: sdo[0].bits: out of range: 40 (allowed 1 .. 32)",
      "bad.toml:11: sdo[1].signal: unknown numeric signal \"no_such_signal\"",
  };
  EXPECT_EQ(r.errors, expected);
}

TEST(CanopenObjectMapLoader, SyntaxErrorsAndMissingFilesAreErrorsNotExceptions) {
  EXPECT_EQ(load_object_map_text("[map\n", "x.toml").errors.size(), 1U);
  EXPECT_EQ(load_object_map_text("[map\n", "x.toml").errors[0].rfind("x.toml:1: TOML syntax", 0), 0U);
  const auto missing = load_object_map_file("/nonexistent/map.toml");
  ASSERT_EQ(missing.errors.size(), 1U);
  EXPECT_EQ(missing.errors[0], "/nonexistent/map.toml: cannot read: No such file or directory");
  EXPECT_EQ(load_object_map_text("[map]\nname = \"empty\"\n", "e.toml").errors[0],
            "e.toml:1: map: maps nothing (no [[pdo]] and no [[sdo]])");
}

TEST(CanopenObjectMapLoader, TextSignalsCannotBeMapped) {
  const auto r = load_object_map_text(
      "[map]\nname = \"t\"\n[[sdo]]\nindex = 0x1008\nbits = 32\nsignal = \"manufacturer\"\n", "t.toml");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0], "t.toml:6: sdo[0].signal: unknown numeric signal \"manufacturer\"");
}

/// One SDO object whose encoding key `key` is given `value` (TOML text).
std::string sdo_with(const std::string& key, const std::string& value) {
  return "[map]\nname = \"t\"\n[[sdo]]\nindex = 0x6060\nbits = 16\nsignal = \"voltage_v\"\n" + key + " = " + value +
         "\n";
}

TEST(CanopenObjectMapLoader, NonFiniteScaleDivisorOrOffsetIsRefused) {
  // A nan scale would turn every reading of the signal into nan: refused at load time.
  for (const char* key : {"scale", "divisor", "offset"}) {
    for (const char* v : {"nan", "inf", "-inf"}) {
      const auto r = load_object_map_text(sdo_with(key, v), "t.toml");
      ASSERT_EQ(r.errors.size(), 1U) << key << " = " << v;
      EXPECT_EQ(r.errors[0],
                std::string("t.toml:7: sdo[0].") + key + ": must be a finite number (nan and inf are refused)");
    }
  }
}

TEST(CanopenObjectMapLoader, WrongTypesAreNamedLikeInTheConfiguration) {
  // One schema reader for maps and configuration: one wording for a wrong type.
  EXPECT_EQ(load_object_map_text(sdo_with("signed", "1"), "t.toml").errors,
            std::vector<std::string>{"t.toml:7: sdo[0].signed: wrong type: expected a boolean, got an integer"});
  EXPECT_EQ(load_object_map_text(sdo_with("scale", "\"0.1\""), "t.toml").errors,
            std::vector<std::string>{"t.toml:7: sdo[0].scale: wrong type: expected a number, got a string"});
  EXPECT_EQ(
      load_object_map_text("[map]\nname = 5\n[[sdo]]\nindex = 0x6060\nbits = 16\nsignal = \"voltage_v\"\n", "t.toml")
          .errors,
      std::vector<std::string>{"t.toml:2: map.name: wrong type: expected a string, got an integer"});
  EXPECT_EQ(load_object_map_text(sdo_with("subindex", "1.5"), "t.toml").errors,
            std::vector<std::string>{"t.toml:7: sdo[0].subindex: wrong type: expected an integer, got a float"});
}

TEST(CanopenObjectMapLoader, KeysInsideAnInlineTableAreUnknown) {
  const auto r = load_object_map_text(sdo_with("encoding", "{ scale = 0.1 }"), "t.toml");
  EXPECT_EQ(r.errors, std::vector<std::string>{"t.toml:7: sdo[0].encoding: unknown key"});
}

}  // namespace
}  // namespace bms::canopen
