// Package workday is the official Chinese working-day calendar: State
// Council holidays and adjusted working weekends (调休) for the embedded
// years, plus overrides an administrator imports for later years. It does
// no I/O and computes everything in Asia/Shanghai.
//
// Deadline rule. "N working days" from an instant ends at the earliest
// instant by which N whole days of working-day time (24 hours each,
// calendar days, not office hours) have passed since the start:
//
//   - a start on a working day ends at the same clock time on the Nth
//     working day after it (received Friday 16:00, 1 working day: Monday
//     16:00);
//   - a start on a rest day counts from 00:00 of the next working day, so
//     the deadline is the end (24:00) of the Nth working day, reported as
//     00:00 of the calendar day after it;
//   - a start at exactly 00:00 of a working day likewise ends at 24:00 of
//     the Nth working day counting the start day, even when rest days follow;
//   - n = 0 returns the start, or 00:00 of the next working day when the
//     start falls on a rest day.
//
// Years without a notice. For a year no loaded data declares complete,
// the public holidays of 《全国年节及纪念日放假办法》 in force that year
// (元旦, 春节 from the lunar calendar, 清明, 劳动节, 端午, 中秋, 国庆) are
// rest days besides the weekends — an estimate, since only the notice
// gives bridge days and adjusted working weekends (调休). Estimated and
// EstimatedBetween let callers mark such results "按法定节日估算" until the
// notice is imported.
package workday
