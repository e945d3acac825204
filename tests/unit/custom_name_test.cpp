// The one /CustomName rule (core/custom_name), shared by the configuration and SetValue.
#include "core/custom_name.hpp"

#include <gtest/gtest.h>

#include <string>

namespace bms {
namespace {

TEST(ACustomName, IsShortPrintableUtf8) {
  EXPECT_TRUE(is_valid_custom_name(""));
  EXPECT_TRUE(is_valid_custom_name("House Batteries"));
  EXPECT_TRUE(is_valid_custom_name("Batterie \xC3\xA9t\xC3\xA9"));  // été
  EXPECT_TRUE(is_valid_custom_name(std::string(64, 'x')));
  EXPECT_TRUE(is_valid_custom_name("\xC2\xA0"));  // U+00A0, the first character after C1
}

TEST(ACustomName, NamesWhatIsWrong) {
  EXPECT_EQ(custom_name_problem(std::string(65, 'x')), CustomNameProblem::TooLong);
  EXPECT_EQ(custom_name_problem("tab\there"), CustomNameProblem::ControlCharacter);
  EXPECT_EQ(custom_name_problem("nl\n"), CustomNameProblem::ControlCharacter);
  EXPECT_EQ(custom_name_problem("\x7F"), CustomNameProblem::ControlCharacter);
  EXPECT_EQ(custom_name_problem("\xC2\x85"), CustomNameProblem::ControlCharacter);  // C1 control (NEL)
  EXPECT_EQ(custom_name_problem("\xC2\x9F"), CustomNameProblem::ControlCharacter);  // last C1 control
  EXPECT_EQ(custom_name_problem("\xC3"), CustomNameProblem::NotUtf8);               // truncated sequence
  EXPECT_EQ(custom_name_problem("\xC0\xAF"), CustomNameProblem::NotUtf8);           // overlong
  EXPECT_EQ(custom_name_problem("\xFF"), CustomNameProblem::NotUtf8);
  EXPECT_FALSE(is_valid_custom_name("\xFF"));
}

}  // namespace
}  // namespace bms
