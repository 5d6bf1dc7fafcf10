/**
 * `respond(event, physicalId, work)` for a generated Lambda function that also serves as a CloudFormation custom
 * resource: on Create and Update it runs `work` and reports SUCCESS or FAILED (with the error's message) to the
 * pre-signed URL CloudFormation gave; on Delete it only reports SUCCESS. The response is an HTTP PUT of the JSON the
 * AWS CloudFormation User Guide describes ("Custom resource response objects"), with the empty content type the
 * pre-signed URL was signed for. The physical id stays the same across updates, so CloudFormation never deletes the
 * resource for replacing it.
 */
export const CFN_RESPONSE_SCRIPT: readonly string[] = [
  "const http = require('node:http');",
  "const https = require('node:https');",
  '',
  'function put(url, body) {',
  '  return new Promise((resolve, reject) => {',
  "    const request = (url.startsWith('https:') ? https : http).request(url, {",
  "      method: 'PUT',",
  "      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },",
  '    }, (response) => {',
  '      response.resume();',
  "      response.on('end', () => (response.statusCode < 300 ? resolve() : reject(new Error('CloudFormation answered ' + response.statusCode))));",
  '    });',
  "    request.on('error', reject);",
  '    request.end(body);',
  '  });',
  '}',
  '',
  'async function respond(event, physicalId, work) {',
  "  let status = 'SUCCESS';",
  "  let reason = 'nothing to do on ' + event.RequestType;",
  "  if (event.RequestType !== 'Delete') {",
  '    try {',
  '      reason = JSON.stringify(await work());',
  '    } catch (e) {',
  "      status = 'FAILED';",
  '      reason = String((e && e.message) || e);',
  '    }',
  '  }',
  '  console.log(JSON.stringify({ requestType: event.RequestType, status, reason }));',
  '  await put(event.ResponseURL, JSON.stringify({',
  '    Status: status,',
  '    Reason: reason.slice(0, 1000),',
  '    PhysicalResourceId: event.PhysicalResourceId || physicalId,',
  '    StackId: event.StackId,',
  '    RequestId: event.RequestId,',
  '    LogicalResourceId: event.LogicalResourceId,',
  '  }));',
  '}',
];
