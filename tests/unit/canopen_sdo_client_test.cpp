// The SDO polling state machine: one request outstanding per node, the poll list in
// order, timeouts as a function of the time it is given, aborts, stray responses.

#include <gtest/gtest.h>

#include "frame_test_helpers.hpp"
#include "protocols/canopen/sdo.hpp"
#include "protocols/canopen/sdo_client.hpp"

namespace bms::canopen {
namespace {

using test::wire;

constexpr std::int64_t kMs = 1000;

SdoPoller make_poller() { return SdoPoller(1, {{0x6060, 0}, {0x6081, 0}, {0x6010, 0}}, 100 * kMs, 1000 * kMs); }

TEST(SdoPoller, SendsTheFirstObjectAtOnceAndNothingElseWhileItIsOutstanding) {
  SdoPoller p = make_poller();
  const auto first = p.next_request(0);
  ASSERT_TRUE(first);
  EXPECT_EQ(wire(*first), "601#4060600000000000");
  EXPECT_TRUE(p.outstanding());
  EXPECT_FALSE(p.next_request(1 * kMs));
  EXPECT_FALSE(p.next_request(99 * kMs));
}

TEST(SdoPoller, AnAnswerCompletesTheRequestAndTheNextObjectFollowsAtOnce) {
  SdoPoller p = make_poller();
  (void)p.next_request(0);
  const auto e = p.on_frame(encode_upload_response(1, {0x6060, 0}, 13568, 4), 2 * kMs);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, SdoEvent::Kind::Value);
  EXPECT_EQ(e->response.value, 13568U);
  EXPECT_FALSE(p.outstanding());
  const auto next = p.next_request(2 * kMs);
  ASSERT_TRUE(next);
  EXPECT_EQ(wire(*next), "601#4081600000000000");
}

TEST(SdoPoller, TimesOutExactlyAtTheTimeoutAndMovesOn) {
  SdoPoller p = make_poller();
  (void)p.next_request(10 * kMs);
  EXPECT_FALSE(p.check_timeout(109 * kMs));
  const auto e = p.check_timeout(110 * kMs);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, SdoEvent::Kind::Timeout);
  EXPECT_EQ(e->object, (ObjectAddress{0x6060, 0}));
  EXPECT_EQ(e->response.abort_code, kAbortTimeout);
  EXPECT_EQ(p.timeouts(), 1U);
  const auto next = p.next_request(110 * kMs);
  ASSERT_TRUE(next);
  EXPECT_EQ(wire(*next), "601#4081600000000000");
}

TEST(SdoPoller, AnAbortCompletesTheRequestWithItsCode) {
  SdoPoller p = make_poller();
  (void)p.next_request(0);
  const auto e = p.on_frame(encode_abort(1, {0x6060, 0}, kAbortObjectDoesNotExist), 1 * kMs);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, SdoEvent::Kind::Abort);
  EXPECT_EQ(e->response.abort_code, kAbortObjectDoesNotExist);
  EXPECT_EQ(p.aborts(), 1U);
  EXPECT_FALSE(p.outstanding());
}

TEST(SdoPoller, ALateAnswerForAnotherObjectIsUnexpectedAndKeepsWaiting) {
  SdoPoller p = make_poller();
  (void)p.next_request(0);
  const auto e = p.on_frame(encode_upload_response(1, {0x6010, 0}, 1, 2), 1 * kMs);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, SdoEvent::Kind::Unexpected);
  EXPECT_TRUE(p.outstanding());
}

TEST(SdoPoller, IgnoresFramesOfOtherNodesAndKinds) {
  SdoPoller p = make_poller();
  (void)p.next_request(0);
  EXPECT_FALSE(p.on_frame(encode_upload_response(2, {0x6060, 0}, 1, 4), 1 * kMs));
  EXPECT_FALSE(p.on_frame(build_upload_request(1, {0x6060, 0}), 1 * kMs));
  EXPECT_TRUE(p.outstanding());
}

TEST(SdoPoller, ResponseWithNothingOutstandingIsUnexpected) {
  SdoPoller p = make_poller();
  const auto e = p.on_frame(encode_upload_response(1, {0x6060, 0}, 1, 4), 0);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, SdoEvent::Kind::Unexpected);
}

TEST(SdoPoller, ANewCycleStartsOneIntervalAfterThePreviousStarted) {
  SdoPoller p = make_poller();
  const ObjectAddress list[] = {{0x6060, 0}, {0x6081, 0}, {0x6010, 0}};
  std::int64_t t = 5 * kMs;
  for (const auto& o : list) {
    ASSERT_TRUE(p.next_request(t));
    ASSERT_EQ(p.on_frame(encode_upload_response(1, o, 0, 4), t + kMs)->kind, SdoEvent::Kind::Value);
    t += kMs;
  }
  EXPECT_FALSE(p.next_request(t));
  EXPECT_FALSE(p.next_request(1004 * kMs));
  const auto again = p.next_request(1005 * kMs);
  ASSERT_TRUE(again);
  EXPECT_EQ(wire(*again), "601#4060600000000000");
}

TEST(SdoPoller, AnEmptyPollListNeverRequests) {
  SdoPoller p(1, {}, 100 * kMs, 1000 * kMs);
  EXPECT_FALSE(p.next_request(0));
  EXPECT_FALSE(p.check_timeout(1000000 * kMs));
}

}  // namespace
}  // namespace bms::canopen
