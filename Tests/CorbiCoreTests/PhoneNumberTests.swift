import CorbiCore
import Testing

@Suite struct PhoneNumberTests {
    // Expected values are what libphonenumber's E.164 formatting gives for these inputs.
    @Test(arguments: [
        ("+49 (030) 1234-5678", nil, "+493012345678"),
        ("+49 (0)30 1234 5678", nil, "+493012345678"),
        ("0049 30 12345678", nil, "+493012345678"),
        ("030 12345678", 49, "+493012345678"),
        ("0151 2345 6789", 49, "+4915123456789"),
        ("+1 (212) 555-0123", nil, "+12125550123"),
        ("212.555.0123", 1, "+12125550123"),
        ("1-212-555-0123", 1, "+12125550123"),
        ("+44 20 7946 0958", nil, "+442079460958"),
        ("+44 (0) 20 7946 0958", nil, "+442079460958"),
        ("020 7946 0958", 44, "+442079460958"),
        ("+33 1 42 68 53 00", nil, "+33142685300"),
        ("01 42 68 53 00", 33, "+33142685300"),
        ("+39 06 6982 1234", nil, "+390669821234"),
        ("06 6982 1234", 39, "+390669821234"),
        ("+81 3-1234-5678", nil, "+81312345678"),
        ("+7 495 123-45-67", nil, "+74951234567"),
        ("8 (495) 123-45-67", 7, "+74951234567"),
        ("+61 2 9876 5432", nil, "+61298765432"),
        ("+91 98765 43210", nil, "+919876543210"),
        ("+353 1 234 5678", nil, "+35312345678"),
    ] as [(String, Int?, String)])
    func normalizes(input: String, callingCode: Int?, expected: String) throws {
        #expect(try PhoneNumber.normalize(input, defaultCallingCode: callingCode) == expected)
    }

    @Test func blankIsNone() throws {
        #expect(try PhoneNumber.normalize("   ", defaultCallingCode: 49) == nil)
    }

    @Test(arguments: ["030 1234567", "123", "+49 30 12a45678", "+999 1234567", "+1 212 555 012", "+49 (30 123456", "+4930123456789012", "call me"])
    func refuses(input: String) {
        let callingCode: Int? = input == "030 1234567" ? nil : 49
        #expect(throws: CorbiError.self) { try PhoneNumber.normalize(input, defaultCallingCode: callingCode) }
    }

    @Test func nationalNumberWithoutCallingCodeExplainsTheFix() {
        #expect {
            try PhoneNumber.normalize("030 1234567", defaultCallingCode: nil)
        } throws: { error in
            (error as? CorbiError)?.exitCode == 65 && "\(error)".contains("calling code")
        }
    }
}
