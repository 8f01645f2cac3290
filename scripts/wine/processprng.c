/* ProcessPrng for Wine 8 (Debian 12), which lacks it: every Go >= 1.22 program calls it at
 * start (crypto/rand) and dies without it. Real Windows 10/11 ship it in bcryptprimitives.dll;
 * this stand-in forwards to BCryptGenRandom, the system's preferred generator. Built with
 * x86_64-w64-mingw32-gcc into the test prefix only (scripts/wine/prefix.sh). */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
	return BCryptGenRandom(NULL, data, (ULONG)len, BCRYPT_USE_SYSTEM_PREFERRED_RNG) >= 0;
}
