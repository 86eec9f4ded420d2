#!/usr/bin/env python3
"""Generates pii_corpus.tsv, the labelled corpus TestPIICorpus scores.

Each line is a sentence in the style of a government notice, a tab, and its
personal data as `category=original text` labels separated by ';' (none for
a clean sentence). Three sources:

* positive templates: the documents that carry personal data in practice
  (处罚决定书, 信访答复, 热线工单, 寻人启事, 流调通告, 补贴公示 …), filled
  with fresh values in every format the detectors must accept;
* negative templates: the numbers notices are full of and that are not
  personal (文号, 索引号, 日期, 金额, 信用代码, 备案号, 热线, 办公电话 …);
* real sentences taken from the regulations in /work/shared/seeds (argument
  1), all of them clean.

Run from this directory: python3 gen_pii_corpus.py /work/shared/seeds
The seed is fixed, so the output is reproducible."""
import os
import random
import re
import sys

rng = random.Random(20261123)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏"
COMPOUND = ["欧阳", "司马", "上官", "诸葛"]
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国红梅玉志海燕文斌晓东春丹鹏飞宇浩然佳琪子涵"
REGIONS = ["410602", "410603", "410611", "410621", "410622", "110105", "310104", "440305", "320102", "510107",
           "130102", "370102", "420106", "500103", "610113", "650102"]
ROADS = ["黎阳路", "淇滨大道", "九州路", "兴鹤大街", "朝歌路", "华山路", "天山路", "桃园路", "长江路", "湘江路"]
ESTATES = ["阳光小区", "盛世华庭小区", "鹤煤家属院", "建业森林半岛小区", "水岸花园", "幸福家园"]
PROVS = "豫京冀鲁晋苏浙皖粤川"
FULL = str.maketrans("0123456789", "０１２３４５６７８９")
UNITS = ["市发展改革委", "市财政局", "市教育局", "市民政局", "市自然资源和规划局", "市生态环境局", "市住房城乡建设局",
         "市交通运输局", "市农业农村局", "市商务局", "市文化广电和旅游局", "市卫生健康委", "市应急管理局",
         "市市场监督管理局", "市医疗保障局", "市政务服务和大数据管理局", "淇滨区人民政府", "浚县人民政府"]


def name():
    if rng.random() < 0.06:
        return rng.choice(COMPOUND) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2])))


def id_body():
    return rng.choice(REGIONS) + "%04d%02d%02d" % (rng.randint(1940, 2010), rng.randint(1, 12), rng.randint(1, 28)) + "%03d" % rng.randint(0, 999)


def idcard():
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    b = id_body()
    n = b + "10X98765432"[sum(int(c) * x for c, x in zip(b, w)) % 11]
    return n.translate(FULL) if rng.random() < 0.08 else n


def old_id():
    return rng.choice(REGIONS) + "%02d%02d%02d" % (rng.randint(40, 84), rng.randint(1, 12), rng.randint(1, 28)) + "%03d" % rng.randint(0, 999)


def mobile():
    n = rng.choice(["138", "139", "135", "150", "158", "186", "188", "177", "199", "166", "147", "181", "173"]) + "%08d" % rng.randint(0, 99999999)
    style = rng.random()
    if style < 0.12:
        return n[:3] + "-" + n[3:7] + "-" + n[7:]
    if style < 0.22:
        return n[:3] + " " + n[3:7] + " " + n[7:]
    if style < 0.28:
        return "+86 " + n
    if style < 0.32:
        return "0086-" + n
    if style < 0.38:
        return n.translate(FULL)
    return n


def luhn_complete(prefix):
    for d in range(10):
        s = prefix + str(d)
        t = 0
        for i, c in enumerate(reversed(s)):
            n = int(c)
            if i % 2:
                n = n * 2 - 9 if n * 2 > 9 else n * 2
            t += n
        if t % 10 == 0:
            return s


def card():
    prefix = rng.choice(["6222", "6228", "6217", "6214", "6259", "4367", "5187"])
    length = rng.choice([16, 19, 19])
    n = luhn_complete(prefix + "".join(str(rng.randint(0, 9)) for _ in range(length - 5)))
    style = rng.random()
    if style < 0.3:
        return " ".join(n[i:i + 4] for i in range(0, len(n), 4))
    if style < 0.4:
        return "-".join(n[i:i + 4] for i in range(0, len(n), 4))
    return n


def email():
    local = rng.choice(["zhang", "li.ming", "wangfang88", "chen_lei", "hbxx2020", "liuyang", "sunwei.hb", "zhao-jun"])
    return local + "%d@" % rng.randint(1, 999) + rng.choice(["163.com", "qq.com", "126.com", "sina.com", "foxmail.com", "yeah.net"])


def plate():
    if rng.random() < 0.25:  # new energy: letter D or F and 5 digits
        return rng.choice(PROVS) + rng.choice("ABCF") + rng.choice("DF") + "%05d" % rng.randint(10000, 99999)
    p = rng.choice(PROVS) + rng.choice("ABCDEFGH")
    return p + ("·" if rng.random() < 0.2 else "") + "%05d" % rng.randint(10000, 99999)


def passport():
    return rng.choice(["E%08d", "G%08d", "EA%07d", "EJ%07d"]) % rng.randint(1000000, 9999999)


def permit():
    return "C%08d" % rng.randint(10000000, 99999999)


def flat():
    """A household address after a road: house, building, unit, room in the
    usual forms, and the original text that must be hidden."""
    style = rng.random()
    if style < 0.5:
        return "%d号院%d号楼%d单元%d室" % (rng.randint(1, 200), rng.randint(1, 30), rng.randint(1, 6), rng.randint(101, 2602))
    if style < 0.75:
        return "%d号%d栋%d单元%d室" % (rng.randint(1, 200), rng.randint(1, 30), rng.randint(1, 6), rng.randint(101, 2602))
    return "%d号%d幢%d室" % (rng.randint(1, 200), rng.randint(1, 30), rng.randint(101, 2602))


def estate_flat():
    if rng.random() < 0.5:
        return "%d栋%d" % (rng.randint(1, 30), rng.randint(101, 2602))
    return "%d-%d-%d" % (rng.randint(1, 30), rng.randint(1, 6), rng.randint(101, 2602))


def ip():
    return "%d.%d.%d.%d" % (rng.randint(27, 223), rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254))


def unit():
    return rng.choice(UNITS)


def road():
    return rng.choice(ROADS)


def estate():
    return rng.choice(ESTATES)


def age():
    return str(rng.randint(6, 88))


def L(cat, text):
    return cat + "=" + text


# Each positive template: a function of fresh values returning (sentence,
# labels), and the generators of those values.
POSITIVE = [
    (lambda n, i, r, a: ("当事人%s，公民身份号码%s，住址淇滨区%s%s。" % (n, i, r, a), [L("name", n), L("id_card", i), L("address", a)]), [name, idcard, road, flat]),
    (lambda n, m: ("举报人%s反映小区内存在违规搭建问题，联系电话%s。" % (n, m), [L("name", n), L("mobile", m)]), [name, mobile]),
    (lambda n, a: ("患者%s，男，%s岁，于本月12日经救治后康复出院。" % (n, a), [L("name", n)]), [name, age]),
    (lambda n, m: ("投诉人：%s，手机：%s，反映供暖温度不达标。" % (n, m), [L("name", n), L("mobile", m)]), [name, mobile]),
    (lambda e: ("如对公示结果有异议，可将书面材料发送至%s。" % e, [L("email", e)]), [email]),
    (lambda p: ("经查，车牌号为%s的小型轿车在禁停路段违法停车。" % p, [L("licence_plate", p)]), [plate]),
    (lambda p: ("外籍人员护照号码%s，已按规定办理临时住宿登记。" % p, [L("passport", p)]), [passport]),
    (lambda c: ("补贴资金已发放至申请人银行卡%s，请注意查收。" % c, [L("bank_card", c)]), [card]),
    (lambda r, a: ("申报人家庭住址为淇滨区%s%s，符合申报条件。" % (r, a), [L("address", a)]), [road, flat]),
    (lambda i: ("系统日志显示，异常访问来自IP地址%s。" % i, [L("ipv4", i)]), [ip]),
    (lambda i: ("请核对身份证号码%s的申请材料是否齐全。" % i, [L("id_card", i)]), [idcard]),
    (lambda n, i, m: ("失信被执行人%s，公民身份号码%s，联系方式%s。" % (n, i, m), [L("name", n), L("id_card", i), L("mobile", m)]), [name, idcard, mobile]),
    (lambda m: ("如需咨询，请联系工作人员，手机%s。" % m, [L("mobile", m)]), [mobile]),
    (lambda n, r, a: ("受害人%s居住在%s%s。" % (n, r, a), [L("name", n), L("address", a)]), [name, road, flat]),
    (lambda m, e: ("报名人员请留存手机号%s及邮箱%s以便联系。" % (m, e), [L("mobile", m), L("email", e)]), [mobile, email]),
    (lambda n, m: ("来电人%s（%s）反映，淇滨大道路灯夜间不亮，请相关部门核实处理。" % (n, m), [L("name", n), L("mobile", m)]), [name, mobile]),
    (lambda n: ("来信人%s：您反映的小区物业收费问题，经调查核实，答复如下。" % n, [L("name", n)]), [name]),
    (lambda n, i, m: ("姓名：%s，性别：女，身份证号码：%s，联系电话：%s。" % (n, i, m), [L("name", n), L("id_card", i), L("mobile", m)]), [name, idcard, mobile]),
    (lambda n, a, m: ("寻人启事：患者%s，%s岁，于昨日走失，知情者请拨打%s。" % (n, a, m), [L("name", n), L("mobile", m)]), [name, age, mobile]),
    (lambda e, a: ("确诊病例居住在%s%s，已对其住所进行终末消毒。" % (e, a), [L("address", a)]), [estate, estate_flat]),
    (lambda n, o: ("申请人%s原身份证号%s已升位，请以新证件号码为准。" % (n, o), [L("name", n), L("id_card_old", o)]), [name, old_id]),
    (lambda n, p: ("当事人%s驾驶%s号小型客车闯红灯，依法处以罚款200元、记6分。" % (n, p), [L("name", n), L("licence_plate", p)]), [name, plate]),
    (lambda n, c: ("经审核，%s的低保金将按月打入其账号%s。" % (n, c), [L("bank_card", c)]), [name, card]),
    (lambda p: ("持往来港澳通行证%s的旅客请走专用通道。" % p, [L("passport", p)]), [permit]),
    (lambda i: ("本站于凌晨监测到来自%s的扫描行为，已封禁该IP。" % i, [L("ipv4", i)]), [ip]),
    (lambda n, m, e: ("联系人%s，手机%s，电子邮箱%s。" % (n, m, e), [L("mobile", m), L("email", e)]), [name, mobile, email]),
    (lambda n, r, a: ("被执行人%s，住所地淇滨区%s%s，拒不履行生效判决。" % (n, r, a), [L("name", n), L("address", a)]), [name, road, flat]),
    (lambda n: ("求助人%s因病致贫，已纳入临时救助范围。" % n, [L("name", n)]), [name]),
    (lambda n, i: ("申请人：%s（身份证号：%s），申请事项：办理居住证。" % (n, i), [L("name", n), L("id_card", i)]), [name, idcard]),
    (lambda m, c: ("请于3日内将手机号%s和收款卡号%s报送至村委会。" % (m, c), [L("mobile", m), L("bank_card", c)]), [mobile, card]),
    (lambda r, a: ("家住%s%s的居民反映楼道堆放杂物。" % (r, a), [L("address", a)]), [road, flat]),
    (lambda e, a: ("住址：%s%s，户主已签字确认。" % (e, a), [L("address", a)]), [estate, estate_flat]),
    (lambda n, p: ("报警人%s称，其停放在路边的%s被剐蹭。" % (n, p), [L("name", n), L("licence_plate", p)]), [name, plate]),
    (lambda n, pp: ("经核查，%s持护照%s出境，未按期返回。" % (n, pp), [L("passport", pp)]), [name, passport]),
]

NEGATIVE = [
    "鹤政办〔2022〕33号文件已印发各县区人民政府。",
    "信息索引号：410601000000000000/2022-63738，主题分类：政务公开。",
    "成文日期为2022年07月07日，发布时间为2022年07月20日18:44。",
    "本标准按照GB/T 1.1—2009给出的规则起草。",
    "依据弥勒 6.3.1.4 的规定，转载信息应注明来源。",
    "全市共计拨付资金12345678.90元，惠及群众3.2万人。",
    "统一社会信用代码：91410600MA44XJ2K3P。",
    "统一社会信用代码：12410600417512345X，法定代表人由局长兼任。",
    "网站备案号：豫ICP备12345678号-1，豫公网安备 41060202000123号。",
    "政务服务便民热线12345全天候受理群众诉求。",
    "咨询电话：0392-3311234，传真：0392-3311235。",
    "举报电话3311234，举报邮箱hbjb@hebi.gov.cn。",
    "申请人应当提交身份证明、户口簿等材料。",
    "当事人陈述、申辩的，行政机关应当充分听取。",
    "患者救治工作由市卫生健康委统一调度。",
    "举报人信息依法予以严格保密。",
    "申请人姓名、住址等个人信息依法不予公开。",
    "当事人双方应当在十五日内履行调解协议。",
    "患者王某某已于当日出院，目前身体状况良好。",
    "2018-2022年全市地区生产总值年均增长6.5%。",
    "第二十九条 新闻动态栏目更新周期不超过2周。",
    "各县区要在3个工作日内完成信息报送工作。",
    "本办法自2022年8月1日起施行，有效期5年。",
    "全市共有政务新媒体账号235个，其中微信公众号86个。",
    "办公地址：淇滨区人民路1号，邮政编码458030。",
    "客服热线400-800-1234，工作时间为每日9:00至17:00。",
    "会议地点设在市民之家3楼第一会议室。",
    "报名地点：市人力资源和社会保障局3号楼305室。",
    "市政务服务中心2号楼3层设有不动产登记窗口。",
    "截至10月底，全市新增城镇就业2.3万人。",
    "第一批共5个项目，总投资约18.6亿元。",
    "《中华人民共和国政府信息公开条例》第十九条规定。",
    "版本号V2.3.1已于上周上线运行。",
    "请各单位于11月30日前将报表报送至市政府办公室。",
    "市民可通过12345热线、政府网站等渠道反映问题。",
    "全年共受理网民留言1526件，办结率100%。",
    "投诉人可在收到答复之日起15日内申请复核。",
    "当事人应当自收到决定书之日起60日内申请行政复议。",
    "该项目占地面积约120亩，建筑面积3.5万平方米。",
    "依据国发〔2017〕47号文件精神开展集约化建设。",
    "邮政编码：458000，联系电话：0392-2187100。",
    "截至2022年6月30日，平台累计访问量达2560万人次。",
    "第三季度检查共发现问题42个，已全部整改到位。",
    "乘坐G1234次列车的旅客请于14:30前完成检票。",
    "采购设备型号为E12345678型，共计12台。",
    "申请人张家口市某建材有限公司对处罚决定不服。",
    "被申请人黄河水利委员会于9月5日提交答复书。",
    "申请人李某委托律师代为提出复议申请。",
    "桂政办发〔2019〕119号文件对政务新媒体管理作出规定。",
    "报警请拨打110，火警请拨打119，急救请拨打120。",
    "防汛抗旱指挥部办公室值班电话：0392-3312110。",
    "本次招聘岗位共28个，报名时间为2023年3月1日至3月7日。",
    "考试成绩合格分数线为60分，面试比例为1:3。",
    "根据《中华人民共和国个人信息保护法》第二十八条，身份证号码属于敏感个人信息。",
    "全市机动车保有量达45.6万辆，其中新能源汽车3.2万辆。",
    "市公安局交警支队提醒，车牌号码不得遮挡、污损。",
    "服务器地址和端口号由市大数据局统一分配。",
    "市政府新闻办举行第8场新闻发布会，发布会编号2023-08。",
    "样品批号20230512，检验报告编号JC2023-0458。",
    "全市共有养老机构56家，床位1.2万张，入住率68.5%。",
    "本期共发放消费券300万元，单张面额50元。",
    "淇滨区黎阳路18号院为市档案馆新址。",
    "市行政服务中心位于淇滨大道188号，周六正常上班。",
    "如有疑问，请发送邮件至zwgk@hebi.gov.cn或拨打0392-2188000。",
    "第4.2.3条规定，栏目更新周期不超过6个月。",
    "2023年第1季度，全市12345热线共受理诉求3.6万件。",
    "请于每周一至周五8:30-12:00、14:30-17:30到窗口办理。",
    "市民卡服务热线96196，全年无休。",
    "该路段限速60公里/小时，违者将依法处理。",
]


def negative_variants():
    out = list(NEGATIVE)
    for u in UNITS:
        out.append("%s印发《关于做好%d年度工作的通知》（鹤%s〔%d〕%d号）。" % (u, rng.randint(2020, 2026), rng.choice(["政办", "财", "教", "民"]), rng.randint(2019, 2026), rng.randint(1, 199)))
        out.append("%s咨询电话0392-%07d，监督电话0392-%07d。" % (u, rng.randint(2000000, 3999999), rng.randint(2000000, 3999999)))
        out.append("%s%d年预算资金%d.%02d万元，较上年增长%d.%d%%。" % (u, rng.randint(2020, 2026), rng.randint(100, 99999), rng.randint(0, 99), rng.randint(1, 20), rng.randint(0, 9)))
        out.append("%s办公地址位于淇滨区%s%d号，工作日8:30-12:00受理业务。" % (u, road(), rng.randint(1, 300)))
        out.append("%s信息公开目录索引号为%s000000000000/%d-%05d。" % (u, rng.choice(REGIONS), rng.randint(2019, 2026), rng.randint(1, 99999)))
        out.append("%s组织开展安全生产大检查，检查企业%d家，排查隐患%d处。" % (u, rng.randint(10, 300), rng.randint(5, 500)))
    return out


def seed_sentences(folder, n):
    """Clean sentences from the real regulations, those with numbers first."""
    found = set()
    for f in sorted(os.listdir(folder)):
        with open(os.path.join(folder, f), encoding="utf-8") as fh:
            for s in re.split(r"[。\n]", fh.read()):
                s = re.sub(r"\s+", " ", s).strip()
                if 16 <= len(s) <= 160:
                    found.add(s + "。")
    found = sorted(found)
    with_digits = [s for s in found if re.search(r"[0-9０-９]", s)]
    without = [s for s in found if s not in with_digits]
    rng.shuffle(with_digits)
    rng.shuffle(without)
    return (with_digits + without)[:n]


def main():
    rows = []
    for i in range(230):
        template, gens = POSITIVE[i % len(POSITIVE)]
        rows.append(template(*[g() for g in gens]))
    for text in negative_variants():
        rows.append((text, []))
    seeds = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/seeds"
    for text in seed_sentences(seeds, 150):
        rows.append((text, []))
    rng.shuffle(rows)
    with open("pii_corpus.tsv", "w", encoding="utf-8") as out:
        out.write("# sentence<TAB>labels (category=original text, ';'-separated); generated by gen_pii_corpus.py\n")
        for text, labels in rows:
            out.write(text.replace("\t", " ") + "\t" + ";".join(labels) + "\n")
    print(len(rows), "sentences,", sum(1 for _, l in rows if not l), "without personal data")


main()
