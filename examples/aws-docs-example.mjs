// Presign the AWS documentation example (S3 GET of examplebucket/test.txt, 24 h,
// example credentials, 2013-05-24) with the built package and print the URL.
// Its signature must be aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404.
import { presign } from '../dist/index.js'

const url = await presign(
  { method: 'GET', url: 'https://examplebucket.s3.amazonaws.com/test.txt' },
  {
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    region: 'us-east-1',
    service: 's3',
    expiresIn: 86400,
    signingDate: '2013-05-24T00:00:00Z',
  },
)
console.log(url)
