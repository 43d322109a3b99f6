// okrctl's CSV reader: RFC 4180 quoting, CRLF and LF line ends, and the line each record starts on
// (what `okrctl org import` names in its error reports).
#include "tools/okrctl/csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace okr::ctl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<CsvRecord> MustParse(std::string_view text) {
  auto records = ParseCsv(text);
  EXPECT_TRUE(records.ok()) << records.status();
  return records.ok() ? *records : std::vector<CsvRecord>{};
}

TEST(OkrctlCsvTest, PlainRecordsKeepTheirLineNumbers) {
  const auto records = MustParse("id,name\nbob,Bob\ncarol,Carol\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].line, 1);
  EXPECT_THAT(records[0].fields, ElementsAre("id", "name"));
  EXPECT_EQ(records[1].line, 2);
  EXPECT_THAT(records[1].fields, ElementsAre("bob", "Bob"));
  EXPECT_EQ(records[2].line, 3);
  EXPECT_THAT(records[2].fields, ElementsAre("carol", "Carol"));
}

TEST(OkrctlCsvTest, QuotedFieldsHoldCommasAndDoubledQuotes) {
  const auto records = MustParse("\"Builder, Bob\",\"say \"\"hi\"\"\",\"\",plain\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(records[0].fields, ElementsAre("Builder, Bob", "say \"hi\"", "", "plain"));
}

TEST(OkrctlCsvTest, EmbeddedNewlineKeepsTheStartingLineAndCountsForTheNext) {
  const auto records = MustParse("h1,h2\n\"two\nlines\",x\n\"three\n\nlines\",y\nlast,z\n");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[1].line, 2);
  EXPECT_THAT(records[1].fields, ElementsAre("two\nlines", "x"));
  EXPECT_EQ(records[2].line, 4);
  EXPECT_THAT(records[2].fields, ElementsAre("three\n\nlines", "y"));
  EXPECT_EQ(records[3].line, 7);
  EXPECT_THAT(records[3].fields, ElementsAre("last", "z"));
}

TEST(OkrctlCsvTest, CrlfLineEndsAreNotPartOfTheFields) {
  const auto records = MustParse("a,b\r\n\"q\",d\r\ne,\"multi\r\nline\"\r\nf,g");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_THAT(records[0].fields, ElementsAre("a", "b"));
  EXPECT_THAT(records[1].fields, ElementsAre("q", "d"));
  EXPECT_EQ(records[1].line, 2);
  // Inside quotes the line break is data, kept as written.
  EXPECT_THAT(records[2].fields, ElementsAre("e", "multi\r\nline"));
  EXPECT_EQ(records[2].line, 3);
  EXPECT_THAT(records[3].fields, ElementsAre("f", "g"));
  EXPECT_EQ(records[3].line, 5);
}

TEST(OkrctlCsvTest, BlankLinesAreSkippedButCounted) {
  const auto records = MustParse("a\n\n\r\n\nb\n\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].line, 1);
  EXPECT_EQ(records[1].line, 5);
  EXPECT_THAT(records[1].fields, ElementsAre("b"));
}

TEST(OkrctlCsvTest, EmptyFieldsAreKept) {
  const auto records = MustParse("a,,c\n,\nx,\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_THAT(records[0].fields, ElementsAre("a", "", "c"));
  EXPECT_THAT(records[1].fields, ElementsAre("", ""));
  EXPECT_THAT(records[2].fields, ElementsAre("x", ""));
}

TEST(OkrctlCsvTest, LastRecordWithoutLineEnd) {
  const auto records = MustParse("a,b\n\"c\"");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[1].fields, ElementsAre("c"));
  EXPECT_EQ(records[1].line, 2);
}

TEST(OkrctlCsvTest, EmptyTextHasNoRecords) { EXPECT_TRUE(MustParse("").empty()); }

TEST(OkrctlCsvTest, UnterminatedQuoteNamesTheLineItStarted) {
  auto records = ParseCsv("a,b\nc,\"open\nstill open\n");
  ASSERT_FALSE(records.ok());
  EXPECT_EQ(records.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(records.status().message(), HasSubstr("line 2"));
  EXPECT_THAT(records.status().message(), HasSubstr("not closed"));
}

TEST(OkrctlCsvTest, TextAfterAClosingQuoteIsAnError) {
  auto records = ParseCsv("ok,fine\n\n\"quoted\"tail,x\n");
  ASSERT_FALSE(records.ok());
  EXPECT_EQ(records.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(records.status().message(), HasSubstr("line 3"));
  EXPECT_THAT(records.status().message(), HasSubstr("after a closing quote"));
}

}  // namespace
}  // namespace okr::ctl
