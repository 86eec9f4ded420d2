package sensitive

import (
	"context"
	"strings"
	"testing"

	"github.com/tongfa/tongfa"
)

// piiCase: text, then "category=original" for each expected finding and
// the expected masked text ("" when unchanged).
type piiCase struct {
	name, text string
	want       []string
	masked     string
}

func runPII(t *testing.T, cases []piiCase) {
	t.Helper()
	c := NewDefault()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep := c.Check(context.Background(), tc.text, Options{})
			var got []string
			for _, f := range rep.Findings {
				if f.Kind == "pii" {
					got = append(got, f.Category+"="+f.Text)
				}
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("findings %q, want %q", got, tc.want)
			}
			want := tc.masked
			if want == "" {
				want = tc.text
			}
			if rep.MaskedText != want {
				t.Errorf("masked %q, want %q", rep.MaskedText, want)
			}
		})
	}
}

func TestPIIIdentityNumbers(t *testing.T) {
	runPII(t, []piiCase{
		{"valid 18-digit ID", "当事人身份证号410602199003071238。", []string{"id_card=410602199003071238"}, "当事人身份证号410602********1238。"},
		{"X check digit", "身份证号码：11010519491231002X", []string{"id_card=11010519491231002X"}, "身份证号码：110105********002X"},
		{"bad check digit", "编号410602199003071231。", nil, ""},
		{"impossible date", "编号410602199002301230。", nil, ""},
		{"bad region", "编号990602199003071238。", nil, ""},
		{"inside a longer number", "序列号4106021990030712381。", nil, ""},
		{"index number", "信息索引号：410601000000000000/2022-63738", nil, ""},
		{"old 15-digit labelled", "原身份证号：410602900307123", []string{"id_card_old=410602900307123"}, "原身份证号：410602******123"},
		{"old 15-digit unlabelled", "订单410602900307123已处理", nil, ""},
		{"full-width digits", "身份证４１０６０２１９９００３０７１２３８", []string{"id_card=４１０６０２１９９００３０７１２３８"}, "身份证４１０６０２********１２３８"},
		{"lower-case x", "身份证号码：11010519491231002x", []string{"id_card=11010519491231002x"}, "身份证号码：110105********002x"},
		{"credit code of digits", "统一社会信用代码：110105194912310021", nil, ""},
	})
}

func TestPIIPhones(t *testing.T) {
	runPII(t, []piiCase{
		{"mobile", "联系人手机13812342345。", []string{"mobile=13812342345"}, "联系人手机138****2345。"},
		{"mobile with +86", "电话+86 138 1234 2345", []string{"mobile=+86 138 1234 2345"}, "电话+86 138 **** 2345"},
		{"mobile 0086 dashes", "0086-138-1234-2345", []string{"mobile=0086-138-1234-2345"}, "0086-138-****-2345"},
		{"invalid prefix", "编号12012342345", nil, ""},
		{"landline is public", "咨询电话：0392-3311234", []string{"public_phone=0392-3311234"}, ""},
		{"hotline is public", "请拨打12345政务服务便民热线", []string{"public_phone=12345"}, ""},
		{"local number labelled", "举报电话3311234", []string{"public_phone=3311234"}, ""},
		{"400 number", "客服400-800-1234", []string{"public_phone=400-800-1234"}, ""},
		{"full-width mobile", "手机１３８ １２３４ ２３４５", []string{"mobile=１３８ １２３４ ２３４５"}, "手机１３８ **** ２３４５"},
		{"landline then mobile", "电话0392-3311234 13812342345", []string{"public_phone=0392-3311234", "mobile=13812342345"}, "电话0392-3311234 138****2345"},
		{"document number is no hotline", "桂政办发〔2019〕119号", nil, ""},
		{"article number is no hotline", "第110条", nil, ""},
	})
}

func TestPIICards(t *testing.T) {
	runPII(t, []piiCase{
		{"unionpay", "退款至6222021234567890123", nil, ""},
		{"luhn valid unionpay", "卡号6222 0212 3456 7890 128", []string{"bank_card=6222 0212 3456 7890 128"}, "卡号6222 **** **** ***0 128"},
		{"visa no context", "4111111111111111", []string{"bank_card=4111111111111111"}, "4111********1111"},
		{"luhn valid, odd prefix, no context", "编码9111111111111110", nil, ""},
	})
}

func TestPIIOthers(t *testing.T) {
	runPII(t, []piiCase{
		{"email", "请发送至zhangsan@163.com。", []string{"email=zhangsan@163.com"}, "请发送至z***@163.com。"},
		{"government mailbox", "邮箱：hbzwgk@hebi.gov.cn", []string{"public_email=hbzwgk@hebi.gov.cn"}, ""},
		{"passport", "护照号码E12345678", []string{"passport=E12345678"}, "护照号码E1*****78"},
		{"two-letter passport", "护照：EA1234567", []string{"passport=EA1234567"}, "护照：EA*****67"},
		{"travel permit", "往来港澳通行证C12345678", []string{"passport=C12345678"}, "往来港澳通行证C1*****78"},
		{"model number is no passport", "设备型号E12345678", nil, ""},
		{"train number", "G1234次列车", nil, ""},
		{"plate", "车牌号豫F12345违停", []string{"licence_plate=豫F12345"}, "车牌号豫F***45违停"},
		{"new energy plate", "粤B·D12345", []string{"licence_plate=粤B·D12345"}, "粤B·****45"},
		{"name after label", "举报人：张三反映，", []string{"name=张三"}, "举报人：张某反映，"},
		{"three-character name", "患者王小明于3日出院", []string{"name=王小明"}, "患者王某某于3日出院"},
		{"compound surname", "当事人欧阳娜娜称", []string{"name=欧阳娜娜"}, "当事人欧阳某某称"},
		{"already anonymised", "患者王某某于3日出院", nil, ""},
		{"no surname", "申请人应当提交材料", nil, ""},
		{"label with colon", "姓名：王小二 性别：男", []string{"name=王小二"}, "姓名：王某某 性别：男"},
		{"verb after a two-character name", "申请人李明委托律师", []string{"name=李明"}, "申请人李某委托律师"},
		{"a city is no name", "申请人张家口市某公司", nil, ""},
		{"a body is no name", "被申请人黄河水利委员会", nil, ""},
		{"address", "住址：淇滨区黎阳路18号院3号楼2单元501室", []string{"address=18号院3号楼2单元501室"}, "住址：淇滨区黎阳路**号院*号楼*单元***室"},
		{"office address is public", "地址：淇滨区人民路1号", nil, ""},
		{"house number where someone lives", "家住淇滨区人民路18号", []string{"address=18号"}, "家住淇滨区人民路**号"},
		{"bare room number", "家住幸福小区5栋302", []string{"address=5栋302"}, "家住幸福小区*栋***"},
		{"dashed flat in an estate", "住址：阳光小区3-2-501", []string{"address=3-2-501"}, "住址：阳光小区*-*-***"},
		{"unit and room without label", "黎阳路6号3单元201室", []string{"address=6号3单元201室"}, "黎阳路*号*单元***室"},
		{"office room is public", "报名地点：市人社局3号楼305室", nil, ""},
		{"office floor is public", "市民之家2号楼3层", nil, ""},
		{"dashes without an estate", "编号3-2-501", nil, ""},
		{"ip", "访问IP为221.14.5.10", []string{"ipv4=221.14.5.10"}, "访问IP为221.14.*.*"},
		{"section number", "依据弥勒 6.3.1.4 规定", nil, ""},
	})
}

// TestNotPersonalData: numbers government notices are full of.
func TestNotPersonalData(t *testing.T) {
	runPII(t, []piiCase{
		{"document number", "鹤政办〔2022〕33号", nil, ""},
		{"date", "成文日期：2022年07月07日", nil, ""},
		{"ICP", "豫ICP备12345678号", nil, ""},
		{"amount", "共计拨付资金12345678.90元", nil, ""},
		{"credit code", "统一社会信用代码：91410600MA44XJ2K3P", nil, ""},
		{"standard", "GB/T 1.1—2009", nil, ""},
		{"year range", "2018-2022年", nil, ""},
	})
}

func TestExemptionKeepsPII(t *testing.T) {
	c := NewDefault()
	ex := &tongfa.Exemption{Type: tongfa.ExemptionDisciplinary, Basis: "《失信被执行人名单管理规定》"}
	text := "失信被执行人张三，身份证号410602199003071238。"
	rep := c.Check(context.Background(), text, Options{Exemption: ex})
	if rep.MaskedText != text || rep.Blocked || rep.RequiredTier != tongfa.TierDeputy || len(rep.Reasons) != 1 {
		t.Fatalf("report %+v", rep)
	}
	for _, f := range rep.Findings {
		if f.Kind == "pii" && f.Level != LevelNotice {
			t.Errorf("%s kept at level %s", f.Category, f.Level)
		}
	}
	plain := c.Check(context.Background(), text, Options{})
	if !plain.Blocked || plain.MaskedText == text {
		t.Fatalf("without exemption: blocked=%v masked=%q", plain.Blocked, plain.MaskedText)
	}
}
