#!/usr/bin/env python3
# Compares Corbi's phone normalization with libphonenumber (pip install phonenumbers).
# usage: scripts/phone-vs-libphonenumber.py .build/debug/corbi
import phonenumbers, subprocess, json, os, tempfile, sys
corbi = sys.argv[1]
cases = [("+49 (030) 1234-5678",None),("+49 (0)30 1234 5678",None),("0049 30 12345678",None),("030 12345678","DE"),("0151 2345 6789","DE"),
("+1 (212) 555-0123",None),("212.555.0123","US"),("1-212-555-0123","US"),("+44 20 7946 0958",None),("+44 (0) 20 7946 0958",None),("020 7946 0958","GB"),
("+33 1 42 68 53 00",None),("01 42 68 53 00","FR"),("+39 06 6982 1234",None),("06 6982 1234","IT"),("+81 3-1234-5678",None),("03-1234-5678","JP"),
("+7 495 123-45-67",None),("8 (495) 123-45-67","RU"),("+61 2 9876 5432",None),("(02) 9876 5432","AU"),("+91 98765 43210",None),("098765 43210","IN"),
("+353 1 234 5678",None),("01 234 5678","IE"),("+34 912 345 678",None),("912 345 678","ES"),("+31 20 123 4567",None),("020 123 4567","NL"),
("+41 44 668 18 00",None),("044 668 18 00","CH"),("+43 1 234567",None),("01 234567","AT"),("+48 22 123 45 67",None),("22 123 45 67","PL"),
("+55 11 91234-5678",None),("+86 10 1234 5678",None),("+36 1 234 5678",None),("06 1 234 5678","HU"),("+90 212 123 45 67",None),("0212 123 45 67","TR"),
("+49 151 23456789",None),("+49 (0151) 23456789",None),("00 44 7911 123456",None),("07911 123456","GB"),("+1 415 555 2671",None),("(415) 555-2671","US")]
cc = {"DE":49,"US":1,"GB":44,"FR":33,"IT":39,"JP":81,"RU":7,"AU":61,"IN":91,"IE":353,"ES":34,"NL":31,"CH":41,"AT":43,"PL":48,"HU":36,"TR":90}
ok=bad=0
for text, region in cases:
    exp = phonenumbers.format_number(phonenumbers.parse(text, region or "DE"), phonenumbers.PhoneNumberFormat.E164)
    d = tempfile.mkdtemp(); env=dict(os.environ, CORBI_DB=d+"/db.sqlite")
    args=[corbi,"init","--org","X","--domain","x.example","--admin","a@x.example"]
    if region: args += ["--calling-code", str(cc[region])]
    subprocess.run(args, env=env, capture_output=True)
    r = subprocess.run([corbi,"contacts","add","--name","T","--phone",text,"--json"], env=env, capture_output=True, text=True)
    got = json.loads(r.stdout).get("phoneWhatsapp") if r.returncode==0 else "ERR "+r.stderr.strip()
    if got==exp: ok+=1
    else: bad+=1; print("MISMATCH", text, region, "lib:", exp, "corbi:", got)
print(ok, "agree,", bad, "differ")
