// Package mediatest makes the files the media tests and benchmarks need:
// valid personal data (ID numbers with their check digit, mobile numbers,
// Luhn-valid bank cards) and the 公示名单 workbooks, Word documents, PDFs
// and pictures that carry it, generated so no fixture has to be shipped.
package mediatest

import (
	"fmt"
	"strconv"
)

// IDNumber returns the i-th of a series of valid 18-digit resident ID
// numbers: a real region, a real birth date and the GB 11643 check digit.
func IDNumber(i int) string {
	regions := []string{"410602", "110105", "440305", "320106", "510107"}
	birth := fmt.Sprintf("19%02d%02d%02d", 50+i%50, 1+i%12, 1+i%28)
	d := regions[i%len(regions)] + birth + fmt.Sprintf("%03d", i%1000)
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for k, w := range weights {
		sum += int(d[k]-'0') * w
	}
	return d + string("10X98765432"[sum%11])
}

// Mobile returns the i-th of a series of mainland mobile numbers.
func Mobile(i int) string {
	prefixes := []string{"138", "139", "150", "186", "177"}
	return prefixes[i%len(prefixes)] + fmt.Sprintf("%08d", (i*7919+1234567)%100000000)
}

// BankCard returns the i-th of a series of 19-digit UnionPay card numbers
// whose Luhn check digit is right.
func BankCard(i int) string {
	d := "622202" + fmt.Sprintf("%012d", (i*104729+55555)%1000000000000)
	sum := 0
	for k := range len(d) {
		n := int(d[len(d)-1-k] - '0')
		if k%2 == 0 { // doubled: the check digit will stand to the right
			if n *= 2; n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return d + strconv.Itoa((10-sum%10)%10)
}

// Surnames and given names of the generated people.
var (
	surnames = []string{"张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴"}
	given    = []string{"伟", "芳", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳"}
)

// Name returns the i-th generated person's name.
func Name(i int) string { return surnames[i%len(surnames)] + given[(i/len(surnames))%len(given)] }

// RosterHeader is the header row of a 公示名单.
var RosterHeader = []string{"序号", "姓名", "身份证号", "联系电话", "银行卡号", "补助金额（元）", "备注"}

// Columns of RosterHeader that hold personal data to be masked.
const (
	ColName  = 1
	ColID    = 2
	ColPhone = 3
	ColCard  = 4
)

// Roster returns n rows of a 公示名单 under RosterHeader.
func Roster(n int) [][]string {
	rows := make([][]string, n)
	for i := range rows {
		rows[i] = []string{strconv.Itoa(i + 1), Name(i), IDNumber(i), Mobile(i), BankCard(i), strconv.Itoa(300 + i%7*50), "城市低保"}
	}
	return rows
}
