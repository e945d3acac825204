// ServiceControl owns its descriptors: when its control thread cannot be created (the user's
// process limit is reached), the constructor throws and leaves no descriptor open (issue 14,
// item 14).
#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <system_error>

#include "app/service_control.hpp"

namespace bms {
namespace {

int open_descriptors() {
  int count = 0;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  while (const dirent* e = ::readdir(dir)) count += e->d_name[0] != '.';
  ::closedir(dir);
  return count - 1;  // the directory's own descriptor
}

// Exit codes of the child below.
constexpr int kNoLeak = 0;
constexpr int kLeaked = 1;
constexpr int kDidNotThrow = 2;
constexpr int kSetupFailed = 3;

TEST(AServiceControl, ClosesItsDescriptorsWhenItsThreadCannotBeCreated) {
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // RLIMIT_NPROC does not bind root: run as nobody with no room for another task.
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(kSetupFailed);
    const rlimit none{0, 0};
    if (::setrlimit(RLIMIT_NPROC, &none) != 0) ::_exit(kSetupFailed);
    const int before = open_descriptors();
    try {
      ServiceControl control("unused.toml", Settings{}, SystemdNotifier{});
      ::_exit(kDidNotThrow);
    } catch (const std::system_error&) {
    }
    ::_exit(open_descriptors() == before ? kNoLeak : kLeaked);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), kNoLeak) << "1 = a descriptor leaked, 2 = the thread was created, 3 = setup failed";
}

}  // namespace
}  // namespace bms
