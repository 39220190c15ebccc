// Package calendar holds business-day calendars as data and the
// business-day conventions deal documents roll payment dates by.
//
// A calendar is weekends plus a list of holidays per year, read from an
// embedded data file (data/us_frb.csv: the Federal Reserve holidays), never
// computed from rules at run time, so a trustee can check it line by line
// against the published list and a new year is a data change. A calendar
// refuses dates in years its data does not cover instead of guessing.
//
// It is pure: no clock, no I/O beyond the embedded file, no globals that
// change. It may import only the standard library and
// chaincode/core/waterfall/daycount (the date type).
package calendar
