// Hashes made by Nuages, for Django to check (django_hashers.py reads them). Build the tests (Release), then:
// `dotnet fsi tests/Nuages.Tests/Contrib/Vectors/nuages_hashes.fsx`, then run django_hashers.py.
#r "../../bin/Release/net10.0/Nuages.dll"
#r "../../bin/Release/net10.0/BCrypt-Net-Next.dll"
#r "../../bin/Release/net10.0/Konscious.Security.Cryptography.Argon2.dll"
#r "../../bin/Release/net10.0/Konscious.Security.Cryptography.Blake2.dll"
open Nuages.Contrib.Auth
let items = ResizeArray<string>()
let add (pw: string) (enc: string) = items.Add(System.Text.Json.JsonSerializer.Serialize(dict ["password", pw; "encoded", enc]))
for pw in ["letmein"; ""; "pässwörd ✓ 密码"; String.replicate 100 "x"] do
    add pw (Passwords.MakePassword(pw))
    add pw (Passwords.MakePassword(pw, hasher = "pbkdf2_sha1"))
    add pw (Passwords.MakePassword(pw, hasher = "bcrypt_sha256"))
add "letmein" (Passwords.MakePassword("letmein", hasher = "argon2"))
add "letmein" (Passwords.MakePassword(null))
System.IO.File.WriteAllText(System.IO.Path.Combine(__SOURCE_DIRECTORY__, "nuages_hashes.json"), "[\n " + System.String.Join(",\n ", items) + "\n]\n")
