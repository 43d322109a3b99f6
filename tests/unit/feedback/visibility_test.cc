// The read rules of feedback: every viewer against every visibility, and the author shown only
// to the author of anonymous feedback.
#include "services/feedback/src/domain/visibility.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace okr::feedback {
namespace {

// recipient "rec" reports to "mgr", who reports to "top".
const std::vector<std::string> kChain = {"mgr", "top"};

FeedbackFacts Facts(Visibility visibility, bool anonymous = false) {
  return {"author", "rec", visibility, anonymous};
}

TEST(VisibilityTest, EveryViewerAgainstEveryVisibility) {
  struct Case {
    Viewer viewer;
    bool private_, manager, public_;
  };
  const std::vector<Case> cases = {
      {Viewer{"author"}, true, true, true},
      {Viewer{"rec"}, true, true, true},
      {Viewer{"mgr"}, false, true, true},
      {Viewer{"top"}, false, true, true},
      {Viewer{"peer"}, false, false, true},
      {Viewer{"hr-person", false, true}, false, true, true},
      {Viewer{"boss", true}, true, true, true},
      {Viewer{"svc", false, false, true}, true, true, true},
      {Viewer{""}, false, false, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.viewer.person);
    EXPECT_EQ(MayRead(Facts(Visibility::kPrivate), c.viewer, kChain), c.private_);
    EXPECT_EQ(MayRead(Facts(Visibility::kManager), c.viewer, kChain), c.manager);
    EXPECT_EQ(MayRead(Facts(Visibility::kPublic), c.viewer, kChain), c.public_);
    // Anonymity never changes who may read, only who is shown the author.
    EXPECT_EQ(MayRead(Facts(Visibility::kManager, true), c.viewer, kChain), c.manager);
  }
}

TEST(VisibilityTest, TheChainIsAskedForOnlyWhenItDecides) {
  EXPECT_EQ(DecideRead(Facts(Visibility::kManager), Viewer{"peer"}), ReadDecision::kNeedsChain);
  EXPECT_EQ(DecideRead(Facts(Visibility::kManager), Viewer{"rec"}), ReadDecision::kAllowed);
  EXPECT_EQ(DecideRead(Facts(Visibility::kPrivate), Viewer{"mgr"}), ReadDecision::kDenied);
  EXPECT_EQ(DecideRead(Facts(Visibility::kPublic), Viewer{"x"}), ReadDecision::kAllowed);
  // A re-org: the old manager is no longer in the chain, the new one is.
  EXPECT_FALSE(MayRead(Facts(Visibility::kManager), Viewer{"mgr"}, {"new-mgr", "top"}));
  EXPECT_TRUE(MayRead(Facts(Visibility::kManager), Viewer{"new-mgr"}, {"new-mgr", "top"}));
}

TEST(VisibilityTest, AnonymousAuthorIsShownToTheAuthorOnly) {
  const FeedbackFacts anonymous = Facts(Visibility::kPublic, true);
  EXPECT_TRUE(ShowsAuthor(anonymous, Viewer{"author"}));
  for (const Viewer& v :
       {Viewer{"rec"}, Viewer{"mgr"}, Viewer{"boss", true}, Viewer{"hr", false, true},
        Viewer{"svc", false, false, true}, Viewer{""}}) {
    EXPECT_FALSE(ShowsAuthor(anonymous, v)) << v.person;
    EXPECT_FALSE(AuthorFilterMatches(anonymous, v, "author")) << v.person;
  }
  EXPECT_TRUE(AuthorFilterMatches(anonymous, Viewer{"author"}, "author"));
  EXPECT_TRUE(ShowsAuthor(Facts(Visibility::kPublic), Viewer{"peer"}));
  EXPECT_TRUE(AuthorFilterMatches(Facts(Visibility::kPublic), Viewer{"peer"}, "author"));
}

}  // namespace
}  // namespace okr::feedback
